"""POST /api/auth/send-verification-email: email a verification link (same answer for unknown emails)."""

from typing import Annotated

from spooky.http.api import create_app, lambda_handler
from spooky.http.auth import presented_token
from spooky.http.request import source_ip
from spooky.schemas.auth.answers import StatusOut
from spooky.schemas.auth.emails import SendVerificationEmailBody
from spooky.services.auth import emails
from spooky.settings import api_base_url

from aws_lambda_powertools.event_handler.openapi.params import Body

app = create_app()


@app.post("/api/auth/send-verification-email", summary="Send a verification email", tags=["auth"])
def send_verification_email(body: Annotated[SendVerificationEmailBody, Body(embed=False)]) -> StatusOut:
    emails.request_verification_email(
        body.email, body.callback_url, api_base_url(), presented_token(app), source_ip(app)
    )
    return StatusOut()


handler = lambda_handler(app)
