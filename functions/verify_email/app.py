"""GET /api/auth/verify-email: confirm an email address with the link's token, then go to callbackURL."""

from typing import Annotated

from spooky.http.api import create_app, lambda_handler
from spooky.http.auth import redirect
from spooky.schemas.auth.emails import EmailVerifiedOut
from spooky.services.auth import emails

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Query

app = create_app()


@app.get(
    "/api/auth/verify-email",
    summary="Verify an email address",
    tags=["auth"],
    responses={
        200: {"description": "Verified (no callbackURL)"},
        302: {"description": "Redirect to callbackURL, with ?error=<reason> on failure"},
    },
)
def verify_email(
    token: Annotated[str, Query(max_length=512)],
    callback_url: Annotated[str | None, Query(alias="callbackURL", max_length=2048)] = None,
) -> Response[EmailVerifiedOut | None]:
    emails.check_verification_callback(callback_url)
    try:
        emails.verify_email(token)
    except emails.EmailVerificationFailed as failure:
        if callback_url is None:
            raise
        return redirect(emails.verification_redirect(callback_url, failure.reason))
    if callback_url is None:
        return Response(200, content_types.APPLICATION_JSON, EmailVerifiedOut())
    return redirect(emails.verification_redirect(callback_url))


handler = lambda_handler(app)
