"""Better Auth's request and response bodies for the email-and-password endpoints (wire names as aliases).

Inputs refuse unknown fields, so clients can never set emailVerified, stripeCustomerId, ids or
timestamps. Passwords are plain strings here: their length rules answer with Better Auth's own codes
(PASSWORD_TOO_SHORT / PASSWORD_TOO_LONG) in spooky.auth.passwords, not as schema errors.
"""

from typing import Annotated

from pydantic import Field

from spooky.schemas.common import Email, Schema, WireDateTime, WireModel, documented
from spooky.schemas.users import NewUser, UserChanges, UserOut

# Redirect targets: checked against the trusted origins by the services (spooky.auth.origin).
RedirectTarget = Annotated[str, Field(max_length=2048)]
# An email as typed at sign-in: checked (INVALID_EMAIL) and normalised by the service.
TypedEmail = Annotated[str, Field(max_length=320), documented(format="email")]
# Tokens from links, cookies or listings; never longer than a signed session token.
TokenText = Annotated[str, Field(min_length=1, max_length=512)]


class SignUpBody(NewUser):
    password: str
    callback_url: RedirectTarget | None = Field(default=None, alias="callbackURL")
    remember_me: bool | None = Field(default=None, alias="rememberMe")


class SignInBody(Schema):
    email: TypedEmail
    password: str
    callback_url: RedirectTarget | None = Field(default=None, alias="callbackURL")
    remember_me: bool | None = Field(default=None, alias="rememberMe")


class RevokeSessionBody(Schema):
    # A session token, or (since tokens are never stored) the ``token`` list-sessions shows: the session id.
    token: TokenText


class UpdateUserBody(UserChanges):
    # Accepted only to refuse it with Better Auth's EMAIL_CAN_NOT_BE_UPDATED.
    email: str | None = None


class ChangePasswordBody(Schema):
    new_password: str = Field(alias="newPassword")
    current_password: str = Field(alias="currentPassword")
    revoke_other_sessions: bool | None = Field(default=None, alias="revokeOtherSessions")


class SendVerificationEmailBody(Schema):
    email: Email
    callback_url: RedirectTarget | None = Field(default=None, alias="callbackURL")


class RequestPasswordResetBody(Schema):
    email: Email
    redirect_to: RedirectTarget | None = Field(default=None, alias="redirectTo")


class ResetPasswordBody(Schema):
    new_password: str = Field(alias="newPassword")
    token: TokenText | None = None


class DeleteUserBody(Schema):
    password: str | None = None
    token: TokenText | None = None
    callback_url: RedirectTarget | None = Field(default=None, alias="callbackURL")


class SessionOut(WireModel):
    """Better Auth's session object. ``token`` is the real token only where the caller presented it."""

    id: str
    token: str
    user_id: str = Field(alias="userId")
    expires_at: WireDateTime = Field(alias="expiresAt")
    created_at: WireDateTime = Field(alias="createdAt")
    updated_at: WireDateTime = Field(alias="updatedAt")
    ip_address: str | None = Field(default=None, alias="ipAddress")
    user_agent: str | None = Field(default=None, alias="userAgent")


class SessionAndUser(WireModel):
    session: SessionOut
    user: UserOut


class TokenAndUser(WireModel):
    token: str | None
    user: UserOut


class SignInOut(WireModel):
    redirect: bool
    token: str
    # Present only when the client sent a callbackURL (Better Auth leaves it undefined otherwise).
    url: str | None = Field(default=None, exclude_if=lambda url: url is None)
    user: UserOut


class StatusOut(WireModel):
    status: bool = True


class SuccessOut(WireModel):
    success: bool = True


class UserDeletedOut(WireModel):
    success: bool = True
    message: str = "User deleted"


class PasswordResetRequestedOut(WireModel):
    status: bool = True
    message: str = "If this email exists in our system, check your email for the reset link"


class EmailVerifiedOut(WireModel):
    status: bool = True
    user: UserOut | None = None
