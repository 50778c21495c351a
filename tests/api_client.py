"""Call a route of template.yaml in-process: the event API Gateway would build, the real handler."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from devtools.events import rest_event
from devtools.functions import load_handler
from devtools.lambda_context import LocalLambdaContext
from devtools.template import Route, routes


@dataclass(frozen=True)
class ApiResponse:
    status: int
    headers: dict[str, str]
    body: Any

    def header(self, name: str) -> str | None:
        wanted = name.lower()
        return next((value for key, value in self.headers.items() if key.lower() == wanted), None)


def _pattern(route_path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", route_path) + "$")


def find_route(method: str, path: str) -> tuple[Route, dict[str, str]]:
    for route in routes():
        match = _pattern(route.path).match(path)
        if route.method == method.upper() and match:
            return route, match.groupdict()
    raise LookupError(f"no route for {method} {path} in template.yaml")


def _flatten_headers(response: dict[str, Any]) -> dict[str, str]:
    headers = dict(response.get("headers") or {})
    for key, values in (response.get("multiValueHeaders") or {}).items():
        headers[key] = ", ".join(values) if key.lower() != "set-cookie" else "\n".join(values)
    return headers


def call(
    method: str,
    path: str,
    *,
    user_id: str | None = None,
    session_id: str = "test-session",
    body: Any = None,
    query: str = "",
    headers: dict[str, str] | None = None,
    source_ip: str = "127.0.0.1",
) -> ApiResponse:
    """Invoke the handler of ``method path`` as if the authorizer had admitted ``user_id``."""
    route, path_parameters = find_route(method, path)
    authorizer = {"principalId": user_id, "userId": user_id, "sessionId": session_id} if user_id else None
    event = rest_event(
        method,
        route.path,
        path,
        path_parameters=path_parameters,
        query=query,
        headers=headers,
        body=body,
        authorizer=authorizer,
        source_ip=source_ip,
    )
    response = load_handler(route.function)(event, LocalLambdaContext(route.function))
    text = response.get("body") or ""
    return ApiResponse(response["statusCode"], _flatten_headers(response), json.loads(text) if text else None)
