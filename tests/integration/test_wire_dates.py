"""Every date a response carries is JavaScript's ``toISOString()`` form, read from real local API answers.

Better Auth's client reads a date's fraction as milliseconds, so ``.571790Z`` (microseconds) lands
almost ten minutes late. The routes and date fields come from docs/openapi.json (every ``date-time``
in a 2xx body); each route is driven over HTTP and every such field of its answer is checked.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from spooky.email import read_outbox
from spooky.ids import new_id
from tests.support.client import HttpClient

OPENAPI = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
JAVASCRIPT_ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
PASSWORD = "correct horse battery staple"
Route = tuple[str, str]  # (METHOD, OpenAPI path)
# verify-email answers ``user: null`` (no auto sign-in), as Better Auth does by default.
WITHOUT_DATES_IN_PRACTICE = {("GET", "/api/auth/verify-email")}
HEALTH = ("GET", "/health")


def _date_fields(schema: dict[str, Any], components: dict[str, Any], at: str = "$") -> set[str]:
    """Paths (``$.user.createdAt``, ``$.items[].createdAt``) of every date-time field under ``schema``."""
    if "$ref" in schema:
        return _date_fields(components[schema["$ref"].rsplit("/", 1)[1]], components, at)
    if schema.get("format") == "date-time":
        return {at}
    found: set[str] = set()
    for name, field in schema.get("properties", {}).items():
        found |= _date_fields(field, components, f"{at}.{name}")
    if "items" in schema:
        found |= _date_fields(schema["items"], components, f"{at}[]")
    for variant in (*schema.get("anyOf", []), *schema.get("oneOf", []), *schema.get("allOf", [])):
        found |= _date_fields(variant, components, at)
    return found


def dated_routes() -> dict[Route, set[str]]:
    """Every route whose success body has dates, with their paths, as docs/openapi.json describes them."""
    document = json.loads(OPENAPI.read_text())
    components = document["components"]["schemas"]
    routes: dict[Route, set[str]] = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation.get("responses", {}).items():
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                if status.startswith("2") and schema:
                    fields = _date_fields(schema, components)
                    if fields:
                        routes.setdefault((method.upper(), path), set()).update(fields)
    return routes


def values_at(body: Any, path: str) -> list[Any]:
    """The values at ``path`` (``$.items[].createdAt``) in ``body``; absent or null parents yield nothing."""
    values = [body]
    for part in re.findall(r"\.(\w+)|(\[\])", path):
        name, each = part
        if each:
            values = [item for value in values if isinstance(value, list) for item in value]
        else:
            values = [value[name] for value in values if isinstance(value, dict) and name in value]
    return [value for value in values if value is not None]


def _ok(reply: Any) -> Any:
    assert 200 <= reply.status < 300, reply.body
    return reply.body


def _verification_token(email: str) -> str:
    link = next(message["link"] for message in reversed(read_outbox()) if message["to"] == email)
    return parse_qs(urlsplit(link).query)["token"][0]


def _auth_answers(api: str, browser: HttpClient, email: str) -> dict[Route, Any]:
    credentials = {"email": email, "password": PASSWORD}
    signed_up = _ok(browser.post("/api/auth/sign-up/email", {"name": "Dot", **credentials}))
    signed_in = _ok(HttpClient(api).post("/api/auth/sign-in/email", credentials))
    token = _verification_token(email)
    return {
        ("POST", "/api/auth/sign-up/email"): signed_up,
        ("POST", "/api/auth/sign-in/email"): signed_in,
        ("GET", "/api/auth/get-session"): _ok(browser.get("/api/auth/get-session")),
        ("GET", "/api/auth/list-sessions"): _ok(browser.get("/api/auth/list-sessions")),
        ("GET", "/api/auth/verify-email"): _ok(browser.get(f"/api/auth/verify-email?token={token}")),
    }


def _post_answers(browser: HttpClient, user_id: str) -> dict[Route, Any]:
    created = _ok(browser.post("/posts", {"name": "dated", "content": "when?"}))
    return {
        ("POST", "/posts"): created,
        ("GET", "/posts/{postId}"): _ok(browser.get(f"/posts/{created['id']}")),
        ("PATCH", "/posts/{postId}"): _ok(browser.patch(f"/posts/{created['id']}", {"name": "re-dated"})),
        ("GET", "/posts"): _ok(browser.get("/posts?limit=5")),
        ("GET", "/users/{userId}"): _ok(browser.get(f"/users/{user_id}")),
        ("GET", "/users/{userId}/posts"): _ok(browser.get(f"/users/{user_id}/posts")),
    }


def answers_with_dates(api: str) -> dict[Route, Any]:
    """One success answer of every dated route but /health, from one account's short life."""
    browser = HttpClient(api)
    email = f"dot-{new_id().lower()}@example.com"
    answers = _auth_answers(api, browser, email)
    user_id = answers[("POST", "/api/auth/sign-up/email")]["user"]["id"]
    answers |= _post_answers(browser, user_id)
    change = {"currentPassword": PASSWORD, "newPassword": PASSWORD + "!", "revokeOtherSessions": True}
    answers[("POST", "/api/auth/change-password")] = _ok(browser.post("/api/auth/change-password", change))
    return answers


def misdated(route: Route, body: Any, fields: set[str]) -> list[str]:
    return [
        f"{route[0]} {route[1]} {field} = {value!r}"
        for field in sorted(fields)
        for value in values_at(body, field)
        if not (isinstance(value, str) and JAVASCRIPT_ISO.match(value))
    ]


def test_every_dated_route_is_driven() -> None:
    """A new route with dates in its answer must join the test below (or this fails)."""
    driven = {
        ("POST", "/api/auth/sign-up/email"),
        ("POST", "/api/auth/sign-in/email"),
        ("GET", "/api/auth/get-session"),
        ("GET", "/api/auth/list-sessions"),
        ("GET", "/api/auth/verify-email"),
        ("POST", "/api/auth/change-password"),
        ("POST", "/posts"),
        ("GET", "/posts/{postId}"),
        ("PATCH", "/posts/{postId}"),
        ("GET", "/posts"),
        ("GET", "/users/{userId}"),
        ("GET", "/users/{userId}/posts"),
        HEALTH,
    }
    assert set(dated_routes()) == driven


def test_every_date_on_the_wire_has_milliseconds_and_z(local_api: str) -> None:
    routes = dated_routes()
    answers = answers_with_dates(local_api)

    assert set(answers) == set(routes) - {HEALTH}
    for route, body in answers.items():
        if route not in WITHOUT_DATES_IN_PRACTICE:
            assert any(values_at(body, field) for field in routes[route]), f"{route}: no date to check"
    assert [line for route, body in answers.items() for line in misdated(route, body, routes[route])] == []


def test_health_timestamp_has_milliseconds_and_z(local_api: str) -> None:
    body = HttpClient(local_api).get("/health").body

    assert misdated(HEALTH, body, dated_routes()[HEALTH]) == []
