"""A small HTTP client for tests against the local API: JSON in and out, and a cookie jar like a browser's.

The session cookie is Secure; browsers treat 127.0.0.1 as a secure context, so this jar sends it over
plain HTTP to the local API the way a browser would.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

FRONT_END_ORIGIN = "http://localhost:3000"


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are answers to assert on (e.g. verify-email's 302 to the front end), not to follow."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


@dataclass(frozen=True)
class HttpReply:
    status: int
    headers: Message
    body: Any

    def header(self, name: str) -> str | None:
        return self.headers.get(name)

    @property
    def set_cookies(self) -> dict[str, str]:
        cookies = {}
        for header in self.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            cookies[name] = rest.split(";", 1)[0]
        return cookies


@dataclass
class HttpClient:
    base_url: str
    cookies: dict[str, str] = field(default_factory=dict)
    bearer: str | None = None
    origin: str | None = FRONT_END_ORIGIN

    def request(
        self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
    ) -> HttpReply:
        sent = {"Accept": "application/json", **(headers or {})}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        if self.bearer:
            sent["Authorization"] = f"Bearer {self.bearer}"
        if self.origin:
            sent["Origin"] = self.origin
        request = urllib.request.Request(self.base_url + path, data=data, method=method, headers=sent)
        try:
            with _opener.open(request, timeout=30) as response:
                reply = HttpReply(response.status, response.headers, _json(response.read()))
        except urllib.error.HTTPError as error:
            reply = HttpReply(error.code, error.headers, _json(error.read()))
        self._remember(reply)
        return reply

    def _remember(self, reply: HttpReply) -> None:
        for name, value in reply.set_cookies.items():
            if value:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)

    def get(self, path: str, **kwargs: Any) -> HttpReply:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> HttpReply:
        return self.request("POST", path, body if body is not None else {}, **kwargs)

    def patch(self, path: str, body: Any, **kwargs: Any) -> HttpReply:
        return self.request("PATCH", path, body, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> HttpReply:
        return self.request("DELETE", path, **kwargs)


def _json(raw: bytes) -> Any:
    return json.loads(raw) if raw else None
