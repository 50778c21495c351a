"""Every route of template.yaml x every kind of caller, over HTTP through the local API's authorizer.

The table below must name every route: a route added to template.yaml without an entry fails
`test_every_route_has_an_authorization_case`, so none can be forgotten.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import Any

import pytest

from devtools.template import routes
from spooky.auth.cookies import SESSION_COOKIE
from spooky.auth.passwords import hash_password
from spooky.ids import new_id
from spooky.repositories import posts
from spooky.schemas.posts import NewPost
from spooky.schemas.users import NewUser
from spooky.services.auth.sessions import end_session
from tests.support import factories
from tests.support.client import HttpClient
from tests.support.factories import open_session, start_session

PASSWORD = "a long enough password"
REFUSED = {
    "anonymous",
    "malformed token",
    "forged cookie signature",
    "expired session",
    "revoked session",
    "deleted user",
}
IDENTITIES = [*sorted(REFUSED), "another user", "owner"]


@cache
def password_hash() -> str:
    return hash_password(PASSWORD)


@dataclass(frozen=True)
class World:
    """An owner with a post and a second session, and the other user."""

    owner_id: str
    owner_email: str
    post_id: str
    other_session_id: str


Build = Callable[[World], Any]


@dataclass(frozen=True)
class Case:
    path: Build
    body: Build | None = None
    # Status for the owner and for another signed-in user (on owner-only resources: 403).
    owner: int = 200
    other: int | None = None


def _case_path(path: str) -> Build:
    return lambda world: path


CASES: dict[tuple[str, str], Case] = {
    ("POST", "/api/auth/sign-up/email"): Case(
        _case_path("/api/auth/sign-up/email"),
        lambda w: {"name": "New", "email": f"new-{new_id()}@example.com", "password": PASSWORD},
    ),
    ("POST", "/api/auth/sign-in/email"): Case(
        _case_path("/api/auth/sign-in/email"), lambda w: {"email": w.owner_email, "password": PASSWORD}
    ),
    ("POST", "/api/auth/sign-out"): Case(_case_path("/api/auth/sign-out"), lambda w: {}),
    ("GET", "/api/auth/get-session"): Case(_case_path("/api/auth/get-session")),
    ("GET", "/api/auth/list-sessions"): Case(_case_path("/api/auth/list-sessions")),
    ("POST", "/api/auth/revoke-session"): Case(
        _case_path("/api/auth/revoke-session"), lambda w: {"token": w.other_session_id}
    ),
    ("POST", "/api/auth/revoke-sessions"): Case(_case_path("/api/auth/revoke-sessions"), lambda w: {}),
    ("POST", "/api/auth/revoke-other-sessions"): Case(
        _case_path("/api/auth/revoke-other-sessions"), lambda w: {}
    ),
    ("POST", "/api/auth/update-user"): Case(
        _case_path("/api/auth/update-user"), lambda w: {"name": "Renamed"}
    ),
    ("POST", "/api/auth/change-password"): Case(
        _case_path("/api/auth/change-password"),
        # Everyone in this test has PASSWORD: another user changes their own password.
        lambda w: {"currentPassword": PASSWORD, "newPassword": "another long password"},
    ),
    ("POST", "/api/auth/send-verification-email"): Case(
        _case_path("/api/auth/send-verification-email"), lambda w: {"email": w.owner_email}, other=400
    ),
    ("GET", "/api/auth/verify-email"): Case(_case_path("/api/auth/verify-email?token=unknown"), owner=401),
    ("POST", "/api/auth/request-password-reset"): Case(
        _case_path("/api/auth/request-password-reset"), lambda w: {"email": w.owner_email}
    ),
    ("POST", "/api/auth/reset-password"): Case(
        _case_path("/api/auth/reset-password"),
        lambda w: {"token": "unknown", "newPassword": PASSWORD},
        owner=400,
    ),
    ("POST", "/api/auth/delete-user"): Case(
        _case_path("/api/auth/delete-user"), lambda w: {"password": PASSWORD}
    ),
    ("GET", "/users/{userId}"): Case(lambda w: f"/users/{w.owner_id}"),
    ("GET", "/users/{userId}/posts"): Case(lambda w: f"/users/{w.owner_id}/posts"),
    ("GET", "/posts"): Case(_case_path("/posts")),
    ("POST", "/posts"): Case(_case_path("/posts"), lambda w: {"name": "a post"}, owner=201),
    ("GET", "/posts/{postId}"): Case(lambda w: f"/posts/{w.post_id}"),
    ("PATCH", "/posts/{postId}"): Case(
        lambda w: f"/posts/{w.post_id}", lambda w: {"name": "edited"}, other=403
    ),
    ("DELETE", "/posts/{postId}"): Case(lambda w: f"/posts/{w.post_id}", owner=204, other=403),
    ("GET", "/health"): Case(_case_path("/health")),
}


def test_every_route_has_an_authorization_case() -> None:
    assert set(CASES) == {(route.method, route.path) for route in routes()}


def new_user(name: str) -> tuple[str, str]:
    email = f"{name.lower()}-{new_id()}@example.com"
    return factories.create_user(NewUser(name=name, email=email), password_hash()).id, email


def client_for(identity: str, api: str, owner_id: str, other_id: str) -> HttpClient:
    client = HttpClient(api)
    if identity == "anonymous":
        return client
    if identity == "malformed token":
        client.bearer = "not a token!"
    elif identity == "forged cookie signature":
        token = start_session(owner_id).token
        client.cookies[SESSION_COOKIE] = f"{token}.{'A' * 43}%3D"
    elif identity == "expired session":
        client.bearer = open_session(owner_id, -timedelta(minutes=1)).value
    elif identity == "revoked session":
        token = start_session(owner_id).token
        end_session(token)
        client.bearer = token
    elif identity == "deleted user":
        token = start_session(owner_id).token
        client.bearer = token
        assert client.post("/api/auth/delete-user", {"password": PASSWORD}).status == 200
    else:
        client.bearer = start_session(owner_id if identity == "owner" else other_id).token
    return client


def expected_status(authorized: bool, path: str, identity: str, case: Case) -> int | None:
    """None: any answer but a 5xx (a public auth endpoint given a bad credential, or a deleted owner)."""
    if authorized and identity in REFUSED:
        return 401
    if identity == "another user":
        return case.other if case.other is not None else case.owner
    if identity == "owner" or (identity != "deleted user" and not path.startswith("/api/auth/")):
        return case.owner
    return None


@pytest.mark.parametrize("identity", IDENTITIES)
def test_each_route_answers_each_caller_as_it_should(local_api: str, identity: str) -> None:
    failures = []
    for route in routes():
        case = CASES[(route.method, route.path)]
        owner_id, owner_email = new_user("Owner")
        other_id, _ = new_user("Other")
        post_id = posts.create_post(owner_id, NewPost(name="owned")).id
        world = World(owner_id, owner_email, post_id, start_session(owner_id).session.id)
        client = client_for(identity, api=local_api, owner_id=owner_id, other_id=other_id)

        body = case.body(world) if case.body else None
        reply = client.request(route.method, case.path(world), body=body)

        expected = expected_status(route.authorized, route.path, identity, case)
        if reply.status >= 500 or (expected is not None and reply.status != expected):
            failures.append(f"{route.method} {route.path}: {reply.status} (want {expected}) {reply.body}")
        if reply.status == 401:
            assert reply.body["code"] in {"UNAUTHORIZED", "INVALID_EMAIL_OR_PASSWORD", "INVALID_TOKEN"}, (
                reply.body
            )

    assert not failures, "\n".join(failures)
