"""POST /api/auth/change-password: replace the password after checking the current one."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body

from spooky.http.api import create_app, lambda_handler
from spooky.http.auth import client_of, remembered, session_response
from spooky.http.request import caller_id
from spooky.schemas.auth import ChangePasswordBody, TokenAndUser
from spooky.services.auth import credentials
from spooky.services.users import to_user_out

app = create_app()


@app.post("/api/auth/change-password", summary="Change the password", tags=["auth"])
def change_password(body: Annotated[ChangePasswordBody, Body(embed=False)]) -> Response[TokenAndUser]:
    user, started = credentials.change_password(
        caller_id(app),
        body.current_password,
        body.new_password,
        revoke_other_sessions=body.revoke_other_sessions is True,
        remember=remembered(app),
        client=client_of(app),
    )
    out = TokenAndUser(token=started.token if started else None, user=to_user_out(user))
    if started is None:
        return Response(200, content_types.APPLICATION_JSON, out)
    return session_response(out, started)


handler = lambda_handler(app)
