"""Domain errors -> HTTP responses, defined once for every function (``register_error_handlers``)."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)

from spooky import errors
from spooky.db.errors import is_transient
from spooky.http import json_body
from spooky.observability import logger

TRANSIENT_RETRY_AFTER_SECONDS = 1
STATUS_BY_ERROR: dict[type[errors.DomainError], HTTPStatus] = {
    errors.ValidationFailed: HTTPStatus.BAD_REQUEST,
    errors.BadRequest: HTTPStatus.BAD_REQUEST,
    errors.Unauthorized: HTTPStatus.UNAUTHORIZED,
    errors.Forbidden: HTTPStatus.FORBIDDEN,
    errors.NotFound: HTTPStatus.NOT_FOUND,
    errors.Conflict: HTTPStatus.CONFLICT,
    errors.PreconditionFailed: HTTPStatus.PRECONDITION_FAILED,
    # Better Auth answers a duplicate sign-up with 422 USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL.
    errors.AlreadyExists: HTTPStatus.UNPROCESSABLE_ENTITY,
    errors.TooManyRequests: HTTPStatus.TOO_MANY_REQUESTS,
    errors.ServiceUnavailable: HTTPStatus.SERVICE_UNAVAILABLE,
}


def error_response(
    status: HTTPStatus | int,
    code: str,
    message: str,
    *,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Response[str]:
    """The one error shape: ``{"code", "message"}`` plus optional details, always JSON."""
    return Response(
        status_code=int(status),
        content_type=content_types.APPLICATION_JSON,
        body=json_body.write({"code": code, "message": message, **extra}),
        headers=headers,
    )


def status_of(error: errors.DomainError) -> HTTPStatus:
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return HTTPStatus.BAD_REQUEST


def _retry_after(error: errors.DomainError) -> dict[str, str] | None:
    if isinstance(error, errors.RetryLater):
        return {"Retry-After": str(error.retry_after_seconds)}
    return None


def _describe(item: dict[str, Any]) -> tuple[str, str]:
    location = ".".join(str(part) for part in item.get("loc", ()))
    message = str(item.get("msg", "Invalid input")).removeprefix("Value error, ")
    if item.get("type") == "json_invalid":
        message = f"Malformed JSON: {item.get('ctx', {}).get('error', 'cannot be parsed')}"
        location = "body"
    return location or "body", message


def register_error_handlers(app: APIGatewayRestResolver) -> None:
    @app.exception_handler(errors.ValidationFailed)
    def validation_failed(error: errors.ValidationFailed) -> Response[str]:
        details = [{"field": e.field, "message": e.message} for e in error.errors]
        return error_response(HTTPStatus.BAD_REQUEST, error.code, error.message, errors=details)

    # RequestUnsupportedContentType is no RequestValidationError: without it here, a text/plain body
    # fell through to the catch-all below (500).
    @app.exception_handler([RequestValidationError, RequestUnsupportedContentType])
    def request_invalid(error: RequestValidationError | RequestUnsupportedContentType) -> Response[str]:
        described = [_describe(item) for item in error.errors()]
        details = [{"field": field, "message": message} for field, message in described]
        message = "; ".join(f"[{field}] {text}" for field, text in described) or "Invalid request"
        unsupported = any(item.get("type") == "unsupported_content_type" for item in error.errors())
        if unsupported:
            return error_response(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE", message)
        return error_response(HTTPStatus.BAD_REQUEST, "VALIDATION_ERROR", message, errors=details)

    @app.exception_handler(errors.DomainError)
    def domain_error(error: errors.DomainError) -> Response[str]:
        return error_response(status_of(error), error.code, error.message, headers=_retry_after(error))

    @app.not_found
    def not_found(_: Exception) -> Response[str]:
        return error_response(HTTPStatus.NOT_FOUND, "NOT_FOUND", "Not found")

    @app.exception_handler(Exception)
    def unexpected(error: Exception) -> Response[str]:
        if is_transient(error):
            # Throttling, DynamoDB 5xx or a timeout that survived botocore's retries: nothing was
            # acknowledged, so the client can safely retry.
            logger.warning("DynamoDB unavailable", extra={"error": type(error).__name__})
            return error_response(
                HTTPStatus.SERVICE_UNAVAILABLE,
                "SERVICE_UNAVAILABLE",
                "The database is busy; retry shortly",
                headers={"Retry-After": str(TRANSIENT_RETRY_AFTER_SECONDS)},
            )
        logger.exception("Unhandled error")
        return error_response(HTTPStatus.INTERNAL_SERVER_ERROR, "INTERNAL_SERVER_ERROR", "Internal error")
