"""What the authorizer and the gateway tell a handler about the caller."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from spooky.errors import Unauthorized


def _authorizer_context(app: APIGatewayRestResolver) -> dict[str, Any]:
    context: dict[str, Any] = app.current_event.raw_event.get("requestContext", {}).get("authorizer") or {}
    return context


def caller_id(app: APIGatewayRestResolver) -> str:
    """The signed-in user's id, as resolved by the Lambda authorizer."""
    user_id = _authorizer_context(app).get("userId")
    if not user_id:
        raise Unauthorized("Unauthorized")
    return str(user_id)


def caller_name_and_email(app: APIGatewayRestResolver) -> tuple[str, str] | None:
    """The signed-in user's name and email as the authorizer read them for this request, if it said."""
    context = _authorizer_context(app)
    name, email = context.get("userName"), context.get("userEmail")
    return (str(name), str(email)) if name and email else None


def caller_session_id(app: APIGatewayRestResolver) -> str:
    session_id = _authorizer_context(app).get("sessionId")
    if not session_id:
        raise Unauthorized("Unauthorized")
    return str(session_id)


def source_ip(app: APIGatewayRestResolver) -> str | None:
    identity = app.current_event.raw_event.get("requestContext", {}).get("identity") or {}
    ip: str | None = identity.get("sourceIp")
    return ip


def user_agent(app: APIGatewayRestResolver) -> str | None:
    return app.current_event.headers.get("user-agent") or app.current_event.headers.get("User-Agent")
