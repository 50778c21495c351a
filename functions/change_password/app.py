"""POST /api/auth/change-password: replace the password after checking the current one."""

from typing import Annotated

from spooky.http.api import create_app, lambda_handler
from spooky.http.auth import client_of, session_response
from spooky.http.request import caller_id, caller_session_id
from spooky.schemas.auth.credentials import ChangePasswordBody, TokenAndUser
from spooky.services.auth import credentials

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body

app = create_app()


@app.post("/api/auth/change-password", summary="Change the password", tags=["auth"])
def change_password(body: Annotated[ChangePasswordBody, Body(embed=False)]) -> Response[TokenAndUser]:
    changed = credentials.change_password(
        caller_id(app),
        caller_session_id(app),
        body.current_password,
        body.new_password,
        revoke_other_sessions=body.revoke_other_sessions is True,
        client=client_of(app),
    )
    return session_response(changed.body, changed.session)


handler = lambda_handler(app)
