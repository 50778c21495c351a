"""Sessions: get-session, list-sessions and revoke-session."""

from pydantic import Field

from spooky.schemas.common import Schema, TokenText, WireDateTime, WireModel
from spooky.schemas.users import UserOut


class RevokeSessionBody(Schema):
    # A session token, or (since tokens are never stored) the ``token`` list-sessions shows: the session id.
    token: TokenText


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
