"""Better Auth's error codes and messages (its BASE_ERROR_CODES), as the domain errors the API raises."""

from __future__ import annotations

from spooky.errors import BadRequest, Forbidden, Unauthorized


def invalid_email_or_password() -> Unauthorized:
    return Unauthorized("Invalid email or password", code="INVALID_EMAIL_OR_PASSWORD")


def invalid_email() -> BadRequest:
    return BadRequest("Invalid email", code="INVALID_EMAIL")


def invalid_password() -> BadRequest:
    """A wrong *current* password on an endpoint that already knows the user."""
    return BadRequest("Invalid password", code="INVALID_PASSWORD")


def password_too_short() -> BadRequest:
    return BadRequest("Password too short", code="PASSWORD_TOO_SHORT")


def password_too_long() -> BadRequest:
    return BadRequest("Password too long", code="PASSWORD_TOO_LONG")


def credential_account_not_found() -> BadRequest:
    return BadRequest("Credential account not found", code="CREDENTIAL_ACCOUNT_NOT_FOUND")


def invalid_token() -> BadRequest:
    return BadRequest("Invalid token", code="INVALID_TOKEN")


def session_expired() -> BadRequest:
    return BadRequest("Session expired. Re-authenticate to perform this action.", code="SESSION_EXPIRED")


def session_not_fresh() -> Forbidden:
    return Forbidden("Session is not fresh", code="SESSION_NOT_FRESH")


def unauthorized() -> Unauthorized:
    return Unauthorized("Unauthorized", code="UNAUTHORIZED")
