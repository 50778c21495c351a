"""POST /api/auth/revoke-session: revoke one of the signed-in user's sessions (by token or session id)."""

from typing import Annotated

from spooky.http.api import create_app, lambda_handler
from spooky.http.request import caller_id
from spooky.schemas.auth.answers import StatusOut
from spooky.schemas.auth.sessions import RevokeSessionBody
from spooky.services.auth import sessions

from aws_lambda_powertools.event_handler.openapi.params import Body

app = create_app()


@app.post("/api/auth/revoke-session", summary="Revoke a session", tags=["auth"])
def revoke_session(body: Annotated[RevokeSessionBody, Body(embed=False)]) -> StatusOut:
    sessions.revoke_session(caller_id(app), body.token)
    return StatusOut()


handler = lambda_handler(app)
