"""The resolver every function uses, and the one decorator stack that wraps every handler."""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

import spooky.monitoring  # noqa: F401 - publishes the metrics of every DynamoDB request
from spooky.auth.cookies import header
from spooky.auth.origin import check_request_origin
from spooky.http.cors import cors_config, response_headers
from spooky.http.errors import register_error_handlers
from spooky.observability import entry_point
from spooky.request_context import acting
from spooky.settings import get_settings

# Far above any valid body (a post is at most ~80 KB of text), far below API Gateway's 10 MB.
MAX_BODY_BYTES = 256 * 1024
MAX_JSON_DEPTH_ERROR = "JSON nested too deeply"

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


def _parse_json(body: str) -> Any:
    try:
        return json.loads(body)
    except RecursionError:
        raise json.JSONDecodeError(MAX_JSON_DEPTH_ERROR, body, 0) from None


def require_trusted_origin(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response[Any]:
    """Better Auth's CSRF defence: a cookie-bearing, state-changing request needs a trusted Origin (403)."""
    event = app.current_event
    check_request_origin(event.http_method, event.headers, get_settings().trusted_origin_list)
    return next_middleware(app)


def create_app() -> APIGatewayRestResolver:
    """A REST API resolver with pydantic validation, CORS from settings, the origin check and the shared
    error mapping."""
    app = APIGatewayRestResolver(
        enable_validation=True, cors=cors_config(), json_body_deserializer=_parse_json
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
        "body": json.dumps({"code": code, "message": message}),
        "isBase64Encoded": False,
    }


def _unreadable(event: dict[str, Any]) -> dict[str, Any] | None:
    """Bodies refused before routing, so they are never parsed: oversized ones, and any that is not JSON.

    Without a Content-Type a body is read as JSON (as Powertools does). Forms would otherwise be parsed
    by Powertools and could pass validation, though the API documents JSON only.
    """
    body = event.get("body") or ""
    # Refused before the resolver adds CORS: a trusted page must still read why.
    cors = response_headers(header(event.get("headers"), "origin"))
    if len(body) > MAX_BODY_BYTES:
        return refusal(
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
            "PAYLOAD_TOO_LARGE",
            f"Request body exceeds {MAX_BODY_BYTES} bytes",
            cors,
        )
    media_type = (header(event.get("headers"), "content-type") or "").split(";")[0].strip().lower()
    if body and media_type and media_type != content_types.APPLICATION_JSON:
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


def instrumented(function: Handler) -> Handler:
    """The entry-point stack for API Gateway events (routes and the authorizer): the request id is the
    correlation id."""
    return entry_point(function, correlation_id_path=correlation_paths.API_GATEWAY_REST)


def lambda_handler(app: APIGatewayRestResolver) -> Handler:
    """The entry point of ``app`` (an HTTP route): ``instrumented``, security headers on every answer."""

    @instrumented
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        request = event.get("requestContext") or {}
        actor = (request.get("authorizer") or {}).get("userId")
        with acting(actor, request.get("requestId")):
            return with_security_headers(_unreadable(event) or app.resolve(event, context))

    return handler
