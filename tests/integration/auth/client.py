"""A browser-like client of the API, in-process: API Gateway's authorizer step, then the real handler.

Routes behind the authorizer in template.yaml first run SessionAuthorizerFunction on the REQUEST
event API Gateway would send; a refusal becomes the gateway's 401, an Allow puts the policy context
into the proxy event. Cookies set by responses are kept in a jar and sent back, with an Origin.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from devtools.events import authorized, authorizer_event, rest_event
from devtools.functions import load_handler
from devtools.lambda_context import LocalLambdaContext
from devtools.template import authorizer_function
from spooky.auth.cookies import SESSION_COOKIE
from tests.api_client import find_route

FRONT_END = "http://localhost:3000"
# template.yaml's UNAUTHORIZED gateway response.
GATEWAY_UNAUTHORIZED = {"code": "UNAUTHORIZED", "message": "Unauthorized"}


@dataclass(frozen=True)
class SetCookie:
    name: str
    value: str
    attributes: dict[str, str]

    @classmethod
    def parse(cls, header: str) -> SetCookie:
        pair, *attributes = (part.strip() for part in header.split(";"))
        name, _, value = pair.partition("=")
        parsed = {}
        for attribute in attributes:
            key, _, attribute_value = attribute.partition("=")
            parsed[key.lower()] = attribute_value
        return cls(name, value, parsed)

    @property
    def max_age(self) -> int | None:
        return int(self.attributes["max-age"]) if "max-age" in self.attributes else None


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any
    headers: dict[str, list[str]]

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return values[-1] if values else None

    @property
    def set_cookies(self) -> dict[str, SetCookie]:
        cookies = (SetCookie.parse(header) for header in self.headers.get("set-cookie", []))
        return {cookie.name: cookie for cookie in cookies}


def _reply(response: dict[str, Any]) -> Reply:
    headers: dict[str, list[str]] = {}
    for name, value in (response.get("headers") or {}).items():
        headers.setdefault(name.lower(), []).append(value)
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers.setdefault(name.lower(), []).extend(values)
    text = response.get("body") or ""
    return Reply(response["statusCode"], json.loads(text) if text else None, headers)


def through_gateway(
    method: str,
    path: str,
    *,
    body: Any = None,
    query: str = "",
    headers: dict[str, str] | None = None,
) -> Reply:
    """``method path`` as API Gateway would serve it, authorizer included."""
    route, path_parameters = find_route(method, path)
    event = rest_event(
        method, route.path, path, path_parameters=path_parameters, query=query, headers=headers, body=body
    )
    if route.authorized:
        authorizer = authorizer_function()
        assert authorizer is not None
        request = authorizer_event(event)
        policy = load_handler(authorizer)(request, LocalLambdaContext(authorizer))
        (statement,) = policy["policyDocument"]["Statement"]
        assert (statement["Action"], statement["Resource"]) == ("execute-api:Invoke", request["methodArn"])
        if statement["Effect"] == "Deny":  # the ACCESS_DENIED gateway response
            return Reply(401, GATEWAY_UNAUTHORIZED, {})
        event = authorized(event, policy)
    return _reply(load_handler(route.function)(event, LocalLambdaContext(route.function)))


@dataclass
class Browser:
    """Keeps cookies like a browser and sends the front end's Origin; or acts as a bearer client."""

    origin: str | None = FRONT_END
    cookies: dict[str, str] = field(default_factory=dict)
    bearer: str | None = None

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        query: str = "",
        headers: dict[str, str] | None = None,
    ) -> Reply:
        sent = dict(headers or {})
        if self.origin:
            sent.setdefault("Origin", self.origin)
        if self.cookies:
            sent.setdefault("Cookie", "; ".join(f"{name}={value}" for name, value in self.cookies.items()))
        if self.bearer:
            sent.setdefault("Authorization", f"Bearer {self.bearer}")
        reply = through_gateway(method, path, body=body, query=query, headers=sent)
        for cookie in reply.set_cookies.values():
            if cookie.max_age == 0:
                self.cookies.pop(cookie.name, None)
            else:
                self.cookies[cookie.name] = cookie.value
        return reply

    @property
    def session_cookie(self) -> str | None:
        return self.cookies.get(SESSION_COOKIE)
