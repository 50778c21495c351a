"""Credentials: sign-up, sign-in, change-password and delete-user."""

from typing import Annotated

from pydantic import Field

from spooky.schemas.common import RedirectTarget, Schema, TokenText, WireModel, documented
from spooky.schemas.users import NewUser, UserOut

# An email as typed at sign-in: checked (INVALID_EMAIL) and normalised by the service.
TypedEmail = Annotated[str, Field(max_length=320), documented(format="email")]


class SignUpBody(NewUser):
    password: str
    callback_url: RedirectTarget | None = Field(default=None, alias="callbackURL")
    remember_me: bool | None = Field(default=None, alias="rememberMe")


class SignInBody(Schema):
    email: TypedEmail
    password: str
    callback_url: RedirectTarget | None = Field(default=None, alias="callbackURL")
    remember_me: bool | None = Field(default=None, alias="rememberMe")


class ChangePasswordBody(Schema):
    new_password: str = Field(alias="newPassword")
    current_password: str = Field(alias="currentPassword")
    revoke_other_sessions: bool | None = Field(default=None, alias="revokeOtherSessions")


class DeleteUserBody(Schema):
    password: str | None = None
    token: TokenText | None = None
    callback_url: RedirectTarget | None = Field(default=None, alias="callbackURL")


class TokenAndUser(WireModel):
    token: str | None
    user: UserOut


class SignInOut(WireModel):
    redirect: bool
    token: str
    # Present only when the client sent a callbackURL (Better Auth leaves it undefined otherwise).
    url: str | None = Field(default=None, exclude_if=lambda url: url is None)
    user: UserOut


class UserDeletedOut(WireModel):
    success: bool = True
    message: str = "User deleted"
