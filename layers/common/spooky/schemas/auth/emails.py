"""The routes behind emailed links: send-verification-email, verify-email and the password reset."""

from pydantic import Field

from spooky.schemas.common import Email, RedirectTarget, Schema, TokenText, WireModel
from spooky.schemas.users import UserOut


class SendVerificationEmailBody(Schema):
    email: Email
    callback_url: RedirectTarget | None = Field(default=None, alias="callbackURL")


class RequestPasswordResetBody(Schema):
    email: Email
    redirect_to: RedirectTarget | None = Field(default=None, alias="redirectTo")


class ResetPasswordBody(Schema):
    new_password: str = Field(alias="newPassword")
    token: TokenText | None = None


class PasswordResetRequestedOut(WireModel):
    status: bool = True
    message: str = "If this email exists in our system, check your email for the reset link"


class EmailVerifiedOut(WireModel):
    status: bool = True
    user: UserOut | None = None
