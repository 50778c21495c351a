"""The test client of the API: one reply type, three ways to reach the handlers.

- ``call``: the route's handler in-process, as if the authorizer had admitted ``user_id`` (no session
  needed: for tests about a handler, not about authentication).
- ``through_gateway`` and ``Browser``: in-process as API Gateway serves it. Routes behind the authorizer
  in template.yaml first run SessionAuthorizerFunction on the REQUEST event; a refusal becomes the
  gateway's 401, an Allow puts the policy context into the proxy event.
- ``HttpClient``: over HTTP, against the local API (tests/integration/conftest.py's ``local_api``).

Browser and HttpClient keep cookies like a browser and send the front end's Origin (or act as a bearer
client). The session cookie is Secure; browsers treat 127.0.0.1 as a secure context, so the jar sends it
over plain HTTP to the local API the way a browser would.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from devtools.events import authorized, authorizer_event, rest_event
from devtools.functions import load_handler
from devtools.lambda_context import LocalLambdaContext
from devtools.template import Route, authorizer_function, routes
from spooky.auth.cookies import SESSION_COOKIE

FRONT_END_ORIGIN = "http://localhost:3000"
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

    @property
    def deletes(self) -> bool:
        return self.max_age == 0 or not self.value


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any
    # Lower-case header name -> its values, in order.
    headers: dict[str, list[str]]

    def header(self, name: str) -> str | None:
        values = self.headers.get(name.lower())
        return ", ".join(values) if values else None

    @property
    def set_cookies(self) -> dict[str, SetCookie]:
        cookies = (SetCookie.parse(header) for header in self.headers.get("set-cookie", []))
        return {cookie.name: cookie for cookie in cookies}


def _json(text: str | bytes | None) -> Any:
    return json.loads(text) if text else None


def _lambda_reply(response: dict[str, Any]) -> Reply:
    """A Lambda proxy response as the client sees it (multiValueHeaders win, as in API Gateway)."""
    headers = {name.lower(): [value] for name, value in (response.get("headers") or {}).items()}
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers[name.lower()] = list(values)
    return Reply(response["statusCode"], _json(response.get("body")), headers)


def _http_reply(status: int, message: Message, raw: bytes) -> Reply:
    headers: dict[str, list[str]] = {}
    for name, value in message.items():
        headers.setdefault(name.lower(), []).append(value)
    return Reply(status, _json(raw), headers)


def _pattern(route_path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", route_path) + "$")


def find_route(method: str, path: str) -> tuple[Route, dict[str, str]]:
    for route in routes():
        match = _pattern(route.path).match(path)
        if route.method == method.upper() and match:
            return route, match.groupdict()
    raise LookupError(f"no route for {method} {path} in template.yaml")


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
) -> Reply:
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
    return _lambda_reply(load_handler(route.function)(event, LocalLambdaContext(route.function)))


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
    return _lambda_reply(load_handler(route.function)(event, LocalLambdaContext(route.function)))


@dataclass(kw_only=True)
class _CookieJar:
    """A browser's cookie jar and Origin, or a bearer client (origin=None, bearer=<token>)."""

    origin: str | None = FRONT_END_ORIGIN
    cookies: dict[str, str] = field(default_factory=dict)
    bearer: str | None = None

    def _with_credentials(self, headers: dict[str, str] | None) -> dict[str, str]:
        """``headers`` plus the jar's Origin, cookies and bearer token (the caller's own headers win)."""
        sent = dict(headers or {})
        if self.origin:
            sent.setdefault("Origin", self.origin)
        if self.cookies:
            sent.setdefault("Cookie", "; ".join(f"{name}={value}" for name, value in self.cookies.items()))
        if self.bearer:
            sent.setdefault("Authorization", f"Bearer {self.bearer}")
        return sent

    def _remember(self, reply: Reply) -> Reply:
        for cookie in reply.set_cookies.values():
            if cookie.deletes:
                self.cookies.pop(cookie.name, None)
            else:
                self.cookies[cookie.name] = cookie.value
        return reply

    @property
    def session_cookie(self) -> str | None:
        return self.cookies.get(SESSION_COOKIE)


@dataclass
class Browser(_CookieJar):
    """In-process, through the gateway's authorizer step."""

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        query: str = "",
        headers: dict[str, str] | None = None,
    ) -> Reply:
        sent = self._with_credentials(headers)
        return self._remember(through_gateway(method, path, body=body, query=query, headers=sent))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are answers to assert on (e.g. verify-email's 302 to the front end), not to follow."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


@dataclass
class HttpClient(_CookieJar):
    """Over HTTP to ``base_url``: JSON in and out."""

    base_url: str

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> Reply:
        sent = self._with_credentials({"Accept": "application/json", **(headers or {})})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=sent)
        try:
            with _opener.open(request, timeout=30) as response:
                reply = _http_reply(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            reply = _http_reply(error.code, error.headers, error.read())
        return self._remember(reply)

    def get(self, path: str, **kwargs: Any) -> Reply:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> Reply:
        return self.request("POST", path, body if body is not None else {}, **kwargs)

    def patch(self, path: str, body: Any, **kwargs: Any) -> Reply:
        return self.request("PATCH", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Reply:
        return self.request("DELETE", path, **kwargs)
