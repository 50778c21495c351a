"""POST /api/auth/update-user: change the signed-in user's name, image, firstName or lastName."""

from typing import Annotated

from spooky.http.api import create_app, lambda_handler
from spooky.http.request import caller_id
from spooky.schemas.auth.answers import StatusOut
from spooky.schemas.auth.profile import UpdateUserBody
from spooky.services.auth import profile

from aws_lambda_powertools.event_handler.openapi.params import Body

app = create_app()


@app.post("/api/auth/update-user", summary="Update the current user", tags=["auth"])
def update_user(body: Annotated[UpdateUserBody, Body(embed=False)]) -> StatusOut:
    profile.update_user(caller_id(app), body)
    return StatusOut()


handler = lambda_handler(app)
