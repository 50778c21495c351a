"""The resolver every function uses, and the one decorator stack that wraps every handler."""

from __future__ import annotations

import json
from collections.abc import Callable
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

import spooky.monitoring  # noqa: F401 - publishes the metrics of every DynamoDB request
from spooky.auth.origin import check_request_origin
from spooky.http.errors import register_error_handlers
from spooky.http.observability import logger, metrics, tracer
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


def _cors() -> CORSConfig:
    origins = get_settings().trusted_origin_list
    return CORSConfig(
        allow_origin=origins[0] if origins else "",
        extra_origins=origins[1:],
        allow_credentials=True,
        allow_headers=["Content-Type", "Authorization", "Idempotency-Key", "If-Match"],
        expose_headers=["set-auth-token", "ETag", "Retry-After"],
        max_age=600,
    )


def require_trusted_origin(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response[Any]:
    """Better Auth's CSRF defence: a cookie-bearing, state-changing request needs a trusted Origin (403)."""
    event = app.current_event
    check_request_origin(event.http_method, event.headers, get_settings().trusted_origin_list)
    return next_middleware(app)


def create_app() -> APIGatewayRestResolver:
    """A REST API resolver with pydantic validation, CORS from settings, the origin check and the shared
    error mapping."""
    app = APIGatewayRestResolver(enable_validation=True, cors=_cors(), json_body_deserializer=_parse_json)
    app.use(middlewares=[require_trusted_origin])
    register_error_handlers(app)
    return app


def _oversized(event: dict[str, Any]) -> dict[str, Any] | None:
    body = event.get("body") or ""
    if len(body) <= MAX_BODY_BYTES:
        return None
    # Answered before routing, so an oversized body is never parsed.
    message = f"Request body exceeds {MAX_BODY_BYTES} bytes"
    return {
        "statusCode": int(HTTPStatus.REQUEST_ENTITY_TOO_LARGE),
        "multiValueHeaders": {"Content-Type": ["application/json"]},
        "body": json.dumps({"code": "PAYLOAD_TOO_LARGE", "message": message}),
        "isBase64Encoded": False,
    }


def _with_security_headers(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.setdefault("multiValueHeaders", {})
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, [value])
    return response


def instrumented(function: Handler) -> Handler:
    """The decorator stack of every Lambda entry point (HTTP routes and the authorizer): logging context
    with API Gateway's request id as correlation id, metrics flush and tracing, in that order. Responses
    are never traced and events never logged (whatever POWERTOOLS_LOGGER_LOG_EVENT says): they carry
    passwords, cookies and tokens."""

    @logger.inject_lambda_context(
        correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True, log_event=False
    )
    @metrics.log_metrics(capture_cold_start_metric=True)
    @tracer.capture_lambda_handler(capture_response=False)
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return function(event, context)

    wrapped: Handler = handler
    return wrapped


def lambda_handler(app: APIGatewayRestResolver) -> Handler:
    """The entry point of ``app`` (an HTTP route): ``instrumented``, security headers on every answer."""

    @instrumented
    def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return _with_security_headers(_oversized(event) or app.resolve(event, context))

    return handler
