"""Better Auth's error codes and messages (its BASE_ERROR_CODES), as the domain errors the API raises.

Each name makes a fresh error to raise: ``raise errors.invalid_token()``.
"""

from __future__ import annotations

from functools import partial

from spooky.errors import BadRequest, Forbidden, Unauthorized

invalid_email_or_password = partial(
    Unauthorized, "Invalid email or password", code="INVALID_EMAIL_OR_PASSWORD"
)
invalid_email = partial(BadRequest, "Invalid email", code="INVALID_EMAIL")
# A wrong *current* password on an endpoint that already knows the user.
invalid_password = partial(BadRequest, "Invalid password", code="INVALID_PASSWORD")
password_too_short = partial(BadRequest, "Password too short", code="PASSWORD_TOO_SHORT")
password_too_long = partial(BadRequest, "Password too long", code="PASSWORD_TOO_LONG")
credential_account_not_found = partial(
    BadRequest, "Credential account not found", code="CREDENTIAL_ACCOUNT_NOT_FOUND"
)
invalid_token = partial(BadRequest, "Invalid token", code="INVALID_TOKEN")
session_expired = partial(
    BadRequest, "Session expired. Re-authenticate to perform this action.", code="SESSION_EXPIRED"
)
session_not_fresh = partial(Forbidden, "Session is not fresh", code="SESSION_NOT_FRESH")
unauthorized = partial(Unauthorized, "Unauthorized", code="UNAUTHORIZED")
