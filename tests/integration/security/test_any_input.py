"""Property: no input is a 5xx. Arbitrary text and bytes in every header, cookie, query parameter, path
parameter and body field of every route of template.yaml; every answer is below 500, and every 4xx is
the API's JSON ``{code, message}``.

The handlers run in-process on the events API Gateway builds, protected routes behind the real Lambda
authorizer, against DynamoDB Local. Parameter and body field names come from the handlers' OpenAPI
document, so every declared input is reached; some requests carry a live session (cookie or bearer)
and a trusted Origin, so the authenticated paths are reached too.

Bounded for CI: EXAMPLES per route (ANY_INPUT_EXAMPLES raises it locally), derandomized.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devtools.events import authorized, authorizer_event, rest_event
from devtools.local_env import FunctionError, InProcessRunner
from devtools.openapi import build_document
from devtools.template import Route, authorizer_function, routes
from spooky.auth.cookies import DONT_REMEMBER_COOKIE, SESSION_COOKIE, signed_cookie_value
from spooky.auth.passwords import hash_password
from spooky.repositories import posts
from spooky.schemas.posts import NewPost
from spooky.schemas.users import NewUser
from tests.support import factories
from tests.support.client import FRONT_END_ORIGIN
from tests.support.factories import start_session
from tests.support.invariants import check_invariants
from tests.support.replayable import request_settings

pytestmark = [
    # Many sign-ups and password checks; none of these tests is about hashing.
    pytest.mark.usefixtures("cheap_passwords"),
    # Powertools warns on each invocation that records no metric besides the cold start.
    pytest.mark.filterwarnings("ignore:No application metrics to publish"),
]
EXAMPLES = int(os.environ.get("ANY_INPUT_EXAMPLES", "12"))
UNAUTHORIZED = "Unauthorized"  # the authorizer's refusal, which API Gateway answers with a 401
HEADER_NAMES = ["Authorization", "Cookie", "Origin", "Referer", "Content-Type", "Host", "User-Agent"]
COOKIE_NAMES = [SESSION_COOKIE, f"__Secure-{SESSION_COOKIE}", DONT_REMEMBER_COOKIE]
# Shapes that broke something once, so every run tries them besides what hypothesis draws.
KNOWN_BAD = [
    "a.%C3%A9",
    '"\u00b2"',
    "1" * 4301,
    "\x9b31m",
    "\ud800",
    "%ff%fe",
    "Bearer a.%C3%A9",
    "NaN",
    "1e999",
    "\x00",
    "\U0001f47b" * 70_000,
]

# Lone surrogates included: API Gateway events are JSON, whose escapes can carry them.
any_text = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(codec=None, categories=["Cc", "Cs", "No", "Nd", "Zs", "So"]), max_size=20),
    st.sampled_from(KNOWN_BAD),
)
json_scalar = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), any_text
)
json_value = st.recursive(json_scalar, lambda inner: st.lists(inner, max_size=3), max_leaves=6)


@dataclass(frozen=True)
class Operation:
    """What a route reads: its path, query and header parameters and its body's fields."""

    route: Route
    path_params: tuple[str, ...] = ()
    query: tuple[str, ...] = ()
    headers: tuple[str, ...] = ()
    body_fields: tuple[str, ...] = ()
    has_body: bool = False


@dataclass(frozen=True)
class World:
    user_id: str
    post_id: str
    ids: dict[str, str] = field(default_factory=dict)


@cache
def operations() -> list[Operation]:
    document = build_document()
    found = []
    for route in routes():
        spec = document["paths"].get(route.path, {}).get(route.method.lower(), {})
        by_place: dict[str, list[str]] = {"path": [], "query": [], "header": []}
        for parameter in spec.get("parameters", []):
            by_place.setdefault(parameter["in"], []).append(parameter["name"])
        body = spec.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
        fields = _properties(document, body)
        found.append(
            Operation(
                route,
                tuple(by_place["path"]),
                tuple(by_place["query"]),
                tuple(by_place["header"]),
                tuple(fields),
                "requestBody" in spec,
            )
        )
    return found


def _properties(document: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    reference = schema.get("$ref", "")
    if reference:
        schema = document["components"]["schemas"][reference.rsplit("/", 1)[-1]]
    return list(schema.get("properties", {}))


def live_credential(world: World) -> str:
    """A new session's signed token each time: a request that revokes sessions blinds only itself."""
    return signed_cookie_value(start_session(world.user_id).token)


@st.composite
def credentials(draw: st.DrawFn, world: World) -> dict[str, str]:
    """No credential, a live one (cookie or bearer) or junk in its place, with junk cookies beside it."""
    mode = draw(st.sampled_from(["none", "cookie", "bearer", "junk cookie", "junk bearer"]))
    session = live_credential(world) if mode in ("cookie", "bearer") else draw(any_text)
    if mode.endswith("bearer"):
        return {"Authorization": f"Bearer {session}"}
    pairs = draw(st.lists(st.tuples(st.sampled_from(COOKIE_NAMES) | any_text, any_text), max_size=2))
    if mode != "none":
        pairs.insert(0, (SESSION_COOKIE, session))
    # A trusted Origin: else the CSRF check refuses every cookie-bearing POST before anything else.
    return {"Cookie": "; ".join(f"{name}={value}" for name, value in pairs), "Origin": FRONT_END_ORIGIN}


@st.composite
def request_headers(draw: st.DrawFn, operation: Operation, world: World) -> dict[str, str]:
    names = [*HEADER_NAMES, *operation.headers]
    headers = draw(st.dictionaries(st.sampled_from(names) | any_text, any_text, max_size=4))
    return {**headers, **draw(credentials(world))}


@st.composite
def request_body(draw: st.DrawFn, operation: Operation) -> str | bytes | None:
    fields = st.sampled_from(operation.body_fields) if operation.body_fields else any_text
    choice = draw(st.integers(0, 5 if operation.has_body else 2))
    if choice == 0:
        return None
    if choice == 1:
        return draw(any_text)
    if choice == 2:
        return draw(st.binary(max_size=40))  # not UTF-8: the event carries it as base64
    document = draw(st.dictionaries(fields | any_text, json_value, max_size=4))
    return json.dumps(document, ensure_ascii=draw(st.booleans()))


@st.composite
def proxy_event(draw: st.DrawFn, operation: Operation, world: World) -> dict[str, Any]:
    route = operation.route
    path_params = {
        name: draw(st.sampled_from([world.ids.get(name, "")]) | any_text) for name in operation.path_params
    }
    path = route.path
    for name, value in path_params.items():
        path = path.replace(f"{{{name}}}", value)
    query = draw(
        st.dictionaries(st.sampled_from(operation.query or ("limit",)) | any_text, any_text, max_size=3)
    )
    event = rest_event(
        route.method,
        route.path,
        path,
        path_parameters=path_params,
        headers=draw(request_headers(operation, world)),
        body=draw(request_body(operation)),
    )
    event["queryStringParameters"] = query or None
    event["multiValueQueryStringParameters"] = {key: [value] for key, value in query.items()} or None
    return event


def answer(runner: InProcessRunner, operation: Operation, event: dict[str, Any]) -> dict[str, Any] | None:
    """The route's response, through the authorizer for protected routes; None when it refused (a 401)."""
    if operation.route.authorized:
        authorizer = authorizer_function()
        assert authorizer
        try:
            policy = runner.run(authorizer, authorizer_event(event))
        except FunctionError as error:
            if error.error_message == UNAUTHORIZED:
                return None
            raise AssertionError(f"authorizer failed (API Gateway: 5xx): {error}") from error
        event = authorized(event, policy)
    try:
        response: dict[str, Any] = runner.run(operation.route.function, event)
    except FunctionError as error:
        raise AssertionError(f"{operation.route.function} failed (API Gateway: 502): {error}") from error
    return response


def check(response: dict[str, Any], event: dict[str, Any]) -> None:
    status = response["statusCode"]
    where = f"{event['httpMethod']} {event['path']!r}"
    assert status < 500, (where, status, response.get("body"))
    if 400 <= status < 500:
        body = json.loads(response["body"])
        assert isinstance(body, dict), (where, body)
        assert isinstance(body.get("code"), str), (where, body)
        assert isinstance(body.get("message"), str), (where, body)


@pytest.fixture
def local_tables(fresh_tables: dict[str, str]) -> dict[str, str]:
    """Tables of its own: the invariant check then sees nothing but this run's writes."""
    return fresh_tables


@pytest.fixture
def world(local_tables: dict[str, str]) -> World:
    user = factories.create_user(
        NewUser(name="Any", email="any@example.com"), hash_password("a long password")
    )
    post = posts.create_post(user.id, NewPost(name="anything", content="goes"))
    return World(user.id, post.id, {"userId": user.id, "postId": post.id})


@pytest.mark.parametrize("operation", operations(), ids=lambda op: f"{op.route.method} {op.route.path}")
def test_no_input_is_a_server_error(operation: Operation, world: World, local_tables: dict[str, str]) -> None:
    runner = InProcessRunner()

    @request_settings(EXAMPLES)
    @given(event=proxy_event(operation, world))
    def run(event: dict[str, Any]) -> None:
        response = answer(runner, operation, event)
        if response is not None:
            check(response, event)

    run()
    report = check_invariants(local_tables)
    assert report.ok, str(report)
