"""POST /api/auth/delete-user: soft-delete the signed-in user, revoke their sessions, clear the cookies."""

from typing import Annotated

from spooky.http.api import create_app, lambda_handler
from spooky.http.auth import cleared_response
from spooky.http.request import caller_id, caller_session_id, source_ip
from spooky.schemas.auth.credentials import DeleteUserBody, UserDeletedOut
from spooky.services.auth import credentials

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body

app = create_app()


@app.post("/api/auth/delete-user", summary="Delete the current user", tags=["auth"])
def delete_user(body: Annotated[DeleteUserBody | None, Body(embed=False)] = None) -> Response[UserDeletedOut]:
    body = body or DeleteUserBody()
    credentials.delete_user(
        caller_id(app),
        caller_session_id(app),
        password=body.password,
        token=body.token,
        callback_url=body.callback_url,
        ip_address=source_ip(app),
    )
    return cleared_response(UserDeletedOut())


handler = lambda_handler(app)
