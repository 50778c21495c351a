"""The resolver every route uses, and its entry point (the decorators themselves: spooky.observability)."""

from __future__ import annotations

import base64
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.utilities.typing import LambdaContext

from spooky.auth.cookies import header
from spooky.auth.origin import check_request_origin
from spooky.http import json_body
from spooky.http.cors import cors_config, response_headers
from spooky.http.errors import register_error_handlers
from spooky.observability import instrumented
from spooky.request_context import acting
from spooky.settings import get_settings

# Far above any valid body (a post is at most ~80 KB of text), far below API Gateway's 10 MB.
MAX_BODY_BYTES = 256 * 1024
# Sent on every response, errors included (exception handlers bypass Powertools middlewares).
SECURITY_HEADERS = {
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Cache-Control": "no-store",
}

Handler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def require_trusted_origin(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response[Any]:
    """Better Auth's CSRF defence: a cookie-bearing, state-changing request needs a trusted Origin (403)."""
    event = app.current_event
    check_request_origin(event.http_method, event.headers, get_settings().trusted_origin_list)
    return next_middleware(app)


def create_app() -> APIGatewayRestResolver:
    """A REST API resolver with pydantic validation, CORS from settings, the origin check and the shared
    error mapping."""
    app = APIGatewayRestResolver(
        enable_validation=True,
        cors=cors_config(),
        json_body_deserializer=json_body.read,
        serializer=json_body.write,
    )
    app.use(middlewares=[require_trusted_origin])
    register_error_handlers(app)
    return app


def refusal(
    status: HTTPStatus, code: str, message: str, headers: dict[str, str] | None = None
) -> dict[str, Any]:
    """An error answer built without the resolver (before routing, or where there is no route)."""
    return {
        "statusCode": int(status),
        "multiValueHeaders": {"Content-Type": ["application/json"]}
        | {name: [value] for name, value in (headers or {}).items()},
        "body": json_body.write({"code": code, "message": message}),
        "isBase64Encoded": False,
    }


def _body_bytes(event: dict[str, Any]) -> bytes | None:
    """The body as the client sent it, in bytes (None: flagged base64 but not base64).

    The limit is on bytes, as API Gateway's own: a text body counts in UTF-8, not in characters
    (an emoji is four bytes), and a base64 body by what it decodes to.
    """
    body: str = event.get("body") or ""
    if not event.get("isBase64Encoded"):
        return body.encode("utf-8", "surrogatepass")
    try:
        return base64.b64decode(body, validate=True)
    except ValueError:  # binascii.Error, or a non-ASCII str
        return None


def _is_text(raw: bytes | None, event: dict[str, Any]) -> bool:
    """Powertools decodes a base64 body as UTF-8 before any handler could refuse it (a 500 otherwise)."""
    if raw is None or not event.get("isBase64Encoded"):
        return raw is not None
    try:
        raw.decode()
    except UnicodeDecodeError:
        return False
    return True


def _unreadable(event: dict[str, Any]) -> dict[str, Any] | None:
    """Bodies refused before routing, so they are never parsed: oversized ones, and any that is not JSON.

    Without a Content-Type a body is read as JSON (as Powertools does). Forms would otherwise be parsed
    by Powertools and could pass validation, though the API documents JSON only.
    """
    raw = _body_bytes(event)
    # Refused before the resolver adds CORS: a trusted page must still read why.
    cors = response_headers(header(event.get("headers"), "origin"))
    if raw is not None and len(raw) > MAX_BODY_BYTES:
        return refusal(
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            f"Request body exceeds {MAX_BODY_BYTES} bytes",
            cors,
        )
    if not _is_text(raw, event):
        return refusal(HTTPStatus.BAD_REQUEST, "VALIDATION_ERROR", "Malformed body: not UTF-8 text", cors)
    media_type = (header(event.get("headers"), "content-type") or "").split(";")[0].strip().lower()
    if raw and media_type and media_type != content_types.APPLICATION_JSON:
        return refusal(
            HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
            "UNSUPPORTED_MEDIA_TYPE",
            f"Request bodies must be {content_types.APPLICATION_JSON}, not {media_type}",
            cors,
        )
    return None


def with_security_headers(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.setdefault("multiValueHeaders", {})
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, [value])
    return response


def lambda_handler(app: APIGatewayRestResolver) -> Handler:
    """The entry point of ``app`` (an HTTP route): ``instrumented``, security headers on every answer."""

    @instrumented
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        request = event.get("requestContext") or {}
        actor = (request.get("authorizer") or {}).get("userId")
        with acting(actor, request.get("requestId")):
            return with_security_headers(_unreadable(event) or app.resolve(event, context))

    return handler
