"""POST /api/auth/reset-password: set a new password with a reset token; all sessions are revoked."""

from typing import Annotated

from spooky.http.api import create_app, lambda_handler
from spooky.http.request import source_ip
from spooky.schemas.auth.answers import StatusOut
from spooky.schemas.auth.emails import ResetPasswordBody
from spooky.services.auth import credentials

from aws_lambda_powertools.event_handler.openapi.params import Body, Query

app = create_app()


@app.post("/api/auth/reset-password", summary="Reset the password with a token", tags=["auth"])
def reset_password(
    body: Annotated[ResetPasswordBody, Body(embed=False)],
    token: Annotated[str | None, Query(max_length=512)] = None,
) -> StatusOut:
    credentials.reset_password(body.token or token, body.new_password, ip_address=source_ip(app))
    return StatusOut()


handler = lambda_handler(app)
