"""One prepared request per route of template.yaml (a few routes have a second variant).

A scenario's ``build`` does its setup (sign-ups, a post to edit, an emailed token) before the
measurement starts, and returns the request whose cost is measured. Setup goes through the public
endpoints where they exist, so the measured request sees the state a real client would have made.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bench.api import ORIGIN, Actor, Request, SetupFailed, call, new_actor, route, sign_in_again
from bench.harness import Harness
from spooky.ids import new_id

Builder = Callable[[Harness], Request]
POST_CONTENT = "A lantern in the window and a pumpkin on the step. " * 8  # ~400 characters, the median


@dataclass(frozen=True)
class Scenario:
    method: str
    path: str
    build: Builder
    variant: str = ""

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}" + (f" ({self.variant})" if self.variant else "")


# ---------------------------------------------------------------- helpers


def _as(actor: Actor, method: str, path: str, **fields: Any) -> Request:
    return actor.signed_in(route(method, path), **fields)


def _post_of(actor: Actor) -> str:
    """A post written by ``actor`` (through POST /posts)."""
    response = call(
        "POST", "/posts", _as(actor, "POST", "/posts", body={"name": "Draft", "content": POST_CONTENT})
    )
    post_id: str = response.json()["id"]
    return post_id


def _emailed_token(outbox: Path, email: str) -> str:
    """The token of the link in the newest email to ``email`` in the local outbox (JSON lines)."""
    lines = outbox.read_text().splitlines() if outbox.exists() else []
    for line in reversed(lines):
        message: dict[str, str | None] = json.loads(line)
        link = message.get("link")
        if message.get("to") == email and link:
            tokens = parse_qs(urlsplit(link).query).get("token")
            if tokens:
                return tokens[0]
    raise SetupFailed(f"no email with a token for {email} in the outbox")


def _json_body(**fields: object) -> Request:
    return Request(headers={"Origin": ORIGIN}, body=dict(fields))


# ---------------------------------------------------------------- application routes


def _profile(h: Harness) -> Request:
    return Request(path_parameters={"userId": h.dataset.prolific_author})


def _seeded_post(h: Harness) -> Request:
    return Request(path_parameters={"postId": h.dataset.posts[len(h.dataset.posts) // 2].id})


def _create_post(h: Harness) -> Request:
    return _as(new_actor(), "POST", "/posts", body={"name": "Harvest moon", "content": POST_CONTENT})


def _create_post_idempotent(h: Harness) -> Request:
    request = _create_post(h)
    return Request(
        headers={**request.headers, "Idempotency-Key": new_id()},
        body=request.body,
        authorizer=request.authorizer,
    )


def _update_post(h: Harness) -> Request:
    actor = new_actor()
    post_id = _post_of(actor)
    return _as(
        actor,
        "PATCH",
        "/posts/{postId}",
        path_parameters={"postId": post_id},
        body={"name": "Harvest moon, edited"},
        headers={"If-Match": '"1"'},
    )


def _delete_post(h: Harness) -> Request:
    actor = new_actor()
    return _as(actor, "DELETE", "/posts/{postId}", path_parameters={"postId": _post_of(actor)})


# ---------------------------------------------------------------- auth routes


def _sign_up(h: Harness) -> Request:
    return _json_body(
        name="New Neighbour",
        email=f"new-{new_id().lower()}@bench.example.com",
        password="correct horse battery",
    )


def _sign_in(h: Harness) -> Request:
    actor = new_actor()
    return _json_body(email=actor.email, password=actor.password)


def _signed_in(method: str, path: str) -> Builder:
    return lambda h: _as(new_actor(), method, path)


def _revoke_session(h: Harness) -> Request:
    actor = new_actor()
    return _as(actor, "POST", "/api/auth/revoke-session", body={"token": sign_in_again(actor)})


def _revoke_other_sessions(h: Harness) -> Request:
    actor = new_actor()
    sign_in_again(actor)
    return _as(actor, "POST", "/api/auth/revoke-other-sessions")


def _update_user(h: Harness) -> Request:
    return _as(new_actor(), "POST", "/api/auth/update-user", body={"name": "Renamed Neighbour"})


def _change_password(h: Harness) -> Request:
    actor = new_actor()
    body = {
        "currentPassword": actor.password,
        "newPassword": actor.password + "-2",
        "revokeOtherSessions": False,
    }
    return _as(actor, "POST", "/api/auth/change-password", body=body)


def _send_verification(h: Harness) -> Request:
    return _json_body(email=new_actor().email)


def _verify_email(h: Harness) -> Request:
    actor = new_actor()
    call("POST", "/api/auth/send-verification-email", _json_body(email=actor.email))
    token = _emailed_token(h.outbox, actor.email)
    return Request(query=f"token={token}")


def _request_reset(h: Harness) -> Request:
    return _json_body(email=new_actor().email, redirectTo=f"{ORIGIN}/reset-password")


def _reset_password(h: Harness) -> Request:
    actor = new_actor()
    call("POST", "/api/auth/request-password-reset", _request_reset_for(actor))
    token = _emailed_token(h.outbox, actor.email)
    return _json_body(newPassword="a brand new passphrase", token=token)


def _request_reset_for(actor: Actor) -> Request:
    return _json_body(email=actor.email, redirectTo=f"{ORIGIN}/reset-password")


def _delete_user(h: Harness) -> Request:
    actor = new_actor()
    return _as(actor, "POST", "/api/auth/delete-user", body={"password": actor.password})


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("GET", "/health", lambda h: Request()),
    Scenario("GET", "/users/{userId}", _profile),
    Scenario("GET", "/users/{userId}/posts", _profile),
    Scenario("GET", "/posts", lambda h: Request()),
    Scenario("GET", "/posts/{postId}", _seeded_post),
    Scenario("POST", "/posts", _create_post),
    Scenario("POST", "/posts", _create_post_idempotent, variant="with Idempotency-Key"),
    Scenario("PATCH", "/posts/{postId}", _update_post),
    Scenario("DELETE", "/posts/{postId}", _delete_post),
    Scenario("POST", "/api/auth/sign-up/email", _sign_up),
    Scenario("POST", "/api/auth/sign-in/email", _sign_in),
    Scenario("POST", "/api/auth/sign-out", _signed_in("POST", "/api/auth/sign-out")),
    Scenario("GET", "/api/auth/get-session", _signed_in("GET", "/api/auth/get-session")),
    Scenario("GET", "/api/auth/list-sessions", _signed_in("GET", "/api/auth/list-sessions")),
    Scenario("POST", "/api/auth/revoke-session", _revoke_session),
    Scenario("POST", "/api/auth/revoke-sessions", _signed_in("POST", "/api/auth/revoke-sessions")),
    Scenario("POST", "/api/auth/revoke-other-sessions", _revoke_other_sessions),
    Scenario("POST", "/api/auth/update-user", _update_user),
    Scenario("POST", "/api/auth/change-password", _change_password),
    Scenario("POST", "/api/auth/send-verification-email", _send_verification),
    Scenario("GET", "/api/auth/verify-email", _verify_email),
    Scenario("POST", "/api/auth/request-password-reset", _request_reset),
    Scenario("POST", "/api/auth/reset-password", _reset_password),
    Scenario("POST", "/api/auth/delete-user", _delete_user),
)


def scenarios_for(method: str, path: str) -> list[Scenario]:
    return [s for s in SCENARIOS if (s.method, s.path) == (method, path)]
