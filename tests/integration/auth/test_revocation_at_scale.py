"""Revocation is total at any count: a user with 1,000+ sessions, every revoking route, every page.

On 611f07a sessions were read with one index page of 200, so the 5 newest of 205 survived a reset.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from spooky.auth.session_tokens import SessionToken, new_session_token
from spooky.clock import utcnow
from spooky.db.batch import batch_write
from spooky.email import read_outbox
from spooky.models.auth import SessionModel
from spooky.repositories import sessions
from spooky.services.auth.sessions import authenticate
from tests.support.accounts import PASSWORD, Account
from tests.support.client import Browser, Reply

# More than any single Query page of session items (1 MB, and the 500-item pages the repository asks for).
MANY = 1_005
NEW_PASSWORD = "another-long-password"


@dataclass
class Crowd:
    account: Account
    tokens: list[SessionToken]  # oldest first; the last one is the newest session of the user

    def alive(self) -> list[str]:
        return [session.id for session in sessions.list_sessions(self.account.user_id)]


@pytest.fixture
def crowd(account: Account) -> Crowd:
    """The signed-up account plus MANY more sessions, all newer than the account's own."""
    tokens = [new_session_token(account.user_id) for _ in range(MANY)]
    expires = utcnow() + timedelta(days=7)
    batch_write(SessionModel, puts=[sessions.new_session_item(token, expires) for token in tokens])
    return Crowd(account, tokens)


def _reset_password(crowd: Crowd) -> Reply:
    email = crowd.account.email
    Browser().call("POST", "/api/auth/request-password-reset", {"email": email})
    link = next(
        m["link"] for m in reversed(read_outbox()) if m["to"] == email and m["tag"] == "reset-password"
    )
    token = parse_qs(urlsplit(link).query)["token"][0]
    return Browser().call("POST", "/api/auth/reset-password", {"newPassword": NEW_PASSWORD, "token": token})


def _change_password(crowd: Crowd) -> Reply:
    body = {"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD, "revokeOtherSessions": True}
    return crowd.account.browser.call("POST", "/api/auth/change-password", body)


def _call(path: str, body: dict[str, object] | None = None) -> Callable[[Crowd], Reply]:
    return lambda crowd: crowd.account.browser.call("POST", path, body or {})


# route -> how it is called, and whether the caller still holds a session (change-password hands it a new one)
REVOKING_ROUTES: dict[str, tuple[Callable[[Crowd], Reply], bool]] = {
    "revoke-sessions": (_call("/api/auth/revoke-sessions"), False),
    "revoke-other-sessions": (_call("/api/auth/revoke-other-sessions"), True),
    "change-password with revokeOtherSessions": (_change_password, True),
    "reset-password": (_reset_password, False),
    "delete-user": (_call("/api/auth/delete-user", {"password": PASSWORD}), False),
}


@pytest.mark.parametrize("route", REVOKING_ROUTES)
def test_every_revoking_route_leaves_no_session_alive(crowd: Crowd, route: str) -> None:
    call, keeps_caller = REVOKING_ROUTES[route]

    reply = call(crowd)

    assert reply.status == 200, reply.body
    newest, oldest = crowd.tokens[-1], crowd.tokens[0]
    assert authenticate(newest.value) is None
    assert authenticate(oldest.value) is None
    caller = crowd.account.browser.call("GET", "/api/auth/get-session").body
    assert crowd.alive() == ([caller["session"]["id"]] if keeps_caller else [])
    assert (caller is not None) == keeps_caller


def test_list_sessions_shows_every_session_and_the_newest_can_be_revoked_by_id(crowd: Crowd) -> None:
    listed = crowd.account.browser.call("GET", "/api/auth/list-sessions")

    assert listed.status == 200
    ids = [session["id"] for session in listed.body]
    assert len(ids) == MANY + 1
    assert ids[-MANY:] == [token.session_id for token in crowd.tokens]

    revoked = crowd.account.browser.call("POST", "/api/auth/revoke-session", {"token": ids[-1]})

    assert revoked.status == 200
    assert authenticate(crowd.tokens[-1].value) is None
    assert authenticate(crowd.tokens[-2].value) is not None
