"""Domain errors. The HTTP layer maps each class to a status code once (spooky.http.errors)."""

from __future__ import annotations

from typing import NamedTuple


class FieldError(NamedTuple):
    field: str
    message: str


class DomainError(Exception):
    """Base class: ``code`` is the machine-readable error code clients see."""

    code = "ERROR"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class ValidationFailed(DomainError):
    """Input broke a rule; ``errors`` says which field and why."""

    code = "VALIDATION_ERROR"

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"[{e.field}] {e.message}" for e in errors) or "Invalid input")


class BadRequest(DomainError):
    """The request is well-formed but cannot be honoured as sent (e.g. a wrong current password)."""

    code = "BAD_REQUEST"


class NotFound(DomainError):
    code = "NOT_FOUND"


class AlreadyExists(DomainError):
    code = "ALREADY_EXISTS"


class Conflict(DomainError):
    """A concurrent change won (transaction conflict, version mismatch after retries)."""

    code = "CONFLICT"


class PreconditionFailed(DomainError):
    """The client's If-Match version is not the current one."""

    code = "PRECONDITION_FAILED"


class Unauthorized(DomainError):
    code = "UNAUTHORIZED"


class Forbidden(DomainError):
    code = "FORBIDDEN"


class RetryLater(DomainError):
    """Base class: the client may send the same request again after ``retry_after_seconds``."""

    def __init__(self, message: str, retry_after_seconds: int = 1) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class TooManyRequests(RetryLater):
    code = "TOO_MANY_REQUESTS"


class ServiceUnavailable(RetryLater):
    """DynamoDB kept throttling or failing within the request budget; the client may retry."""

    code = "SERVICE_UNAVAILABLE"
