"""POST /api/auth/request-password-reset: email a reset link; the answer never tells if the email exists."""

from typing import Annotated

from spooky.http.api import create_app, lambda_handler
from spooky.http.request import source_ip
from spooky.schemas.auth.emails import PasswordResetRequestedOut, RequestPasswordResetBody
from spooky.services.auth import emails

from aws_lambda_powertools.event_handler.openapi.params import Body

app = create_app()


@app.post("/api/auth/request-password-reset", summary="Request a password reset email", tags=["auth"])
def request_password_reset(
    body: Annotated[RequestPasswordResetBody, Body(embed=False)],
) -> PasswordResetRequestedOut:
    emails.request_password_reset(body.email, body.redirect_to, ip_address=source_ip(app))
    return PasswordResetRequestedOut()


handler = lambda_handler(app)
