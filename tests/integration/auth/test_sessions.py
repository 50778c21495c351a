"""Sessions: get-session (cookie and bearer), the daily refresh, the authorizer, listing and revoking."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from urllib.parse import unquote

import pytest

from devtools.events import authorizer_event, rest_event
from devtools.functions import load_handler
from devtools.lambda_context import LocalLambdaContext
from spooky.auth.cookies import DONT_REMEMBER_COOKIE, SESSION_COOKIE, signed_cookie_value
from spooky.auth.session_tokens import parse_session_token
from spooky.clock import utcnow
from spooky.models.auth import SessionModel
from tests.support import factories
from tests.support.accounts import Account, new_email, sign_in, sign_up
from tests.support.client import GATEWAY_UNAUTHORIZED, Browser


def _age_session(
    token: str, *, created_ago: timedelta | None = None, expires_in: timedelta | None = None
) -> None:
    """Move a session's clock, as if it had been opened or last refreshed earlier."""
    parsed = parse_session_token(token)
    assert parsed is not None
    session = SessionModel(*SessionModel.key(parsed.user_id, parsed.session_id))
    actions = []
    if created_ago is not None:
        actions.append(SessionModel.created_at.set(utcnow() - created_ago))
    if expires_in is not None:
        actions.append(SessionModel.expires_at.set(utcnow() + expires_in))
    session.update(actions)


def _expires_at(reply_body: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(reply_body["session"]["expiresAt"])


def test_get_session_answers_the_session_and_user_of_the_cookie(account: Account) -> None:
    reply = account.browser.call("GET", "/api/auth/get-session")

    assert reply.status == 200
    assert reply.body["user"]["id"] == account.user_id
    session = reply.body["session"]
    assert session["token"] == account.token
    assert session["userId"] == account.user_id
    assert {"id", "expiresAt", "createdAt", "updatedAt", "ipAddress", "userAgent"} <= session.keys()
    assert reply.set_cookies == {}


@pytest.mark.parametrize("form", ["set-auth-token", "decoded", "raw"])
def test_bearer_clients_use_the_token_in_any_form_better_auth_accepts(account: Account, form: str) -> None:
    signed = signed_cookie_value(account.token)
    bearer = {"set-auth-token": signed, "decoded": unquote(signed), "raw": account.token}[form]

    reply = Browser(origin=None, bearer=bearer).call("GET", "/api/auth/get-session")

    assert reply.body["user"]["id"] == account.user_id


@pytest.mark.parametrize(
    "cookie",
    [None, "garbage", "Q8m2ZkT0aXbR7vLp3sWn9YcHd4Ef6GjKu1Mo5NqBz2A.forged%3D"],
)
def test_without_a_valid_session_cookie_get_session_is_null(account: Account, cookie: str | None) -> None:
    browser = Browser(cookies={SESSION_COOKIE: cookie} if cookie else {})

    reply = browser.call("GET", "/api/auth/get-session")

    assert (reply.status, reply.body) == (200, None)


def test_a_revoked_session_is_null_and_its_cookies_are_cleared(account: Account) -> None:
    account.bearer_client().call("POST", "/api/auth/revoke-sessions")

    reply = account.browser.call("GET", "/api/auth/get-session")

    assert (reply.status, reply.body) == (200, None)
    assert reply.set_cookies[SESSION_COOKIE].max_age == 0
    assert account.browser.session_cookie is None


def test_a_session_is_extended_once_a_day_while_it_is_used(account: Account) -> None:
    _age_session(account.token, expires_in=timedelta(days=5))

    refreshed = account.browser.call("GET", "/api/auth/get-session")
    again = account.browser.call("GET", "/api/auth/get-session")

    assert _expires_at(refreshed.body) > utcnow() + timedelta(days=6, hours=23)
    assert refreshed.set_cookies[SESSION_COOKIE].max_age == pytest.approx(7 * 24 * 3600, abs=5)
    assert refreshed.header("set-auth-token") == signed_cookie_value(account.token)
    assert again.set_cookies == {}  # not due again for a day
    assert _expires_at(again.body) == _expires_at(refreshed.body)


def test_no_refresh_when_asked_not_to_or_when_the_user_is_not_remembered(account: Account) -> None:
    _age_session(account.token, expires_in=timedelta(days=5))
    asked = account.browser.call("GET", "/api/auth/get-session", query="disableRefresh=true")
    short = Browser()
    sign_in(short, account.email, rememberMe=False)
    short_token = unquote(short.session_cookie or "").rpartition(".")[0]
    _age_session(short_token, expires_in=timedelta(hours=1))

    not_remembered = short.call("GET", "/api/auth/get-session")

    assert _expires_at(asked.body) < utcnow() + timedelta(days=5, minutes=1)
    assert asked.set_cookies == {}
    assert _expires_at(not_remembered.body) < utcnow() + timedelta(hours=1, minutes=1)
    assert DONT_REMEMBER_COOKIE in short.cookies


def test_a_short_session_stays_short_for_clients_without_the_dont_remember_cookie(account: Account) -> None:
    # Bearer clients (and browsers that lost the cookie) never send better-auth.dont_remember: the
    # session itself remembers rememberMe: false (611f07a extended it to 7 days on the next read).
    short = Browser()
    sign_in(short, account.email, rememberMe=False)
    short_token = unquote(short.session_cookie or "").rpartition(".")[0]
    _age_session(short_token, expires_in=timedelta(hours=1))

    as_bearer = Browser(origin=None, bearer=short_token).call("GET", "/api/auth/get-session")
    without_cookie = Browser(cookies={SESSION_COOKIE: short.cookies[SESSION_COOKIE]}).call(
        "GET", "/api/auth/get-session"
    )

    for reply in (as_bearer, without_cookie):
        assert reply.status == 200
        assert _expires_at(reply.body) < utcnow() + timedelta(hours=1, minutes=1)
        assert reply.set_cookies == {}


def test_a_surviving_session_of_a_deleted_user_is_refused_everywhere(account: Account) -> None:
    # Deletion revokes every session; this one is left behind on purpose, as a race or a partial
    # failure could: the authorizer and get-session still refuse it, because the user is not live.
    post = account.browser.call("POST", "/posts", {"name": "Still mine?"})
    assert post.status == 201, post.body
    factories.soft_delete_user(account.user_id)

    bearer = account.bearer_client()
    assert bearer.call("PATCH", f"/posts/{post.body['id']}", {"name": "Edited by a ghost"}).status == 401
    assert bearer.call("DELETE", f"/posts/{post.body['id']}").status == 401
    assert bearer.call("GET", "/api/auth/get-session").body is None
    assert _denied(_authorize({"Authorization": f"Bearer {account.token}"}))


def _authorize(headers: dict[str, str]) -> dict[str, Any]:
    event = authorizer_event(
        rest_event("GET", "/api/auth/list-sessions", "/api/auth/list-sessions", headers=headers)
    )
    policy: dict[str, Any] = load_handler("SessionAuthorizerFunction")(
        event, LocalLambdaContext("authorizer")
    )
    return policy


def _denied(policy: dict[str, Any]) -> bool:
    """A refusal: Deny for exactly this method, and no user handed on (ACCESS_DENIED, a 401)."""
    (statement,) = policy["policyDocument"]["Statement"]
    return (
        statement["Effect"] == "Deny"
        and statement["Resource"].endswith("/GET/api/auth/list-sessions")
        and "userId" not in policy["context"]
    )


def test_the_authorizer_allows_the_method_and_names_the_user_and_session(account: Account) -> None:
    policy = _authorize({"Authorization": f"Bearer {account.token}"})

    assert policy["principalId"] == account.user_id
    assert policy["context"]["userId"] == account.user_id
    assert policy["context"]["sessionId"]
    statement = policy["policyDocument"]["Statement"][0]
    assert statement["Effect"] == "Allow"
    assert statement["Resource"].endswith("/GET/api/auth/list-sessions")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer not-a-session-token-at-all"},
        {"Authorization": "Bearer Q8m2ZkT0aXbR7vLp3sWn9YcHd4Ef6GjKu1Mo5NqBz2A"},
        {"Cookie": f"{SESSION_COOKIE}=Q8m2ZkT0aXbR7vLp3sWn9YcHd4Ef6GjKu1Mo5NqBz2A.AAAA%3D"},
    ],
)
def test_the_authorizer_refuses_requests_without_a_live_session(
    local_tables: dict[str, str], headers: dict[str, str]
) -> None:
    # A refusal is a Deny policy, not an exception: Lambda Errors (LambdaErrorsAlarm) stays for failures.
    assert _denied(_authorize(headers))


def test_expired_sessions_are_refused_before_ttl_removes_them(account: Account) -> None:
    _age_session(account.token, expires_in=timedelta(seconds=-1))

    assert account.browser.call("GET", "/api/auth/list-sessions").body == GATEWAY_UNAUTHORIZED
    assert account.browser.call("GET", "/api/auth/get-session").body is None


def test_list_sessions_shows_every_active_session_with_its_id_as_token(account: Account) -> None:
    other = account.another_device()

    listed = account.browser.call("GET", "/api/auth/list-sessions")

    assert listed.status == 200
    assert len(listed.body) == 2
    assert all(session["token"] == session["id"] for session in listed.body)
    assert account.token not in {session["token"] for session in listed.body}
    assert other.call("GET", "/api/auth/list-sessions").body == listed.body


def test_list_sessions_wants_a_session_opened_within_a_day(account: Account) -> None:
    _age_session(account.token, created_ago=timedelta(days=2))

    reply = account.browser.call("GET", "/api/auth/list-sessions")

    assert (reply.status, reply.body["code"]) == (403, "SESSION_NOT_FRESH")


def test_revoke_session_by_the_id_list_sessions_shows(account: Account) -> None:
    other = account.another_device()
    other_id = other.call("GET", "/api/auth/get-session").body["session"]["id"]

    reply = account.browser.call("POST", "/api/auth/revoke-session", {"token": other_id})

    assert (reply.status, reply.body) == (200, {"status": True})
    assert other.call("GET", "/api/auth/list-sessions").status == 401
    assert account.browser.call("GET", "/api/auth/list-sessions").status == 200


def test_revoke_session_by_token(account: Account) -> None:
    other = account.another_device()
    other_token = unquote(other.session_cookie or "").rpartition(".")[0]

    account.browser.call("POST", "/api/auth/revoke-session", {"token": other_token})

    assert other.call("GET", "/api/auth/get-session").body is None


def test_nobody_revokes_another_users_session(account: Account) -> None:
    stranger = Browser()
    sign_up(stranger, new_email("stranger"))
    victim_id = account.browser.call("GET", "/api/auth/get-session").body["session"]["id"]

    by_id = stranger.call("POST", "/api/auth/revoke-session", {"token": victim_id})
    by_token = stranger.call("POST", "/api/auth/revoke-session", {"token": account.token})

    assert (by_id.status, by_token.status) == (200, 200)
    assert account.browser.call("GET", "/api/auth/get-session").body is not None


def test_revoke_other_sessions_keeps_the_current_one(account: Account) -> None:
    other = account.another_device()

    reply = account.browser.call("POST", "/api/auth/revoke-other-sessions")

    assert reply.body == {"status": True}
    assert other.call("GET", "/api/auth/get-session").body is None
    assert account.browser.call("GET", "/api/auth/get-session").body is not None


def test_revoke_sessions_ends_all_of_them(account: Account) -> None:
    other = account.another_device()

    account.browser.call("POST", "/api/auth/revoke-sessions")

    assert other.call("GET", "/api/auth/get-session").body is None
    assert account.browser.call("GET", "/api/auth/list-sessions").status == 401


def test_sign_out_revokes_the_session_and_clears_the_cookies(account: Account) -> None:
    bearer = account.bearer_client()

    reply = account.browser.call("POST", "/api/auth/sign-out")

    assert (reply.status, reply.body) == (200, {"success": True})
    assert reply.set_cookies[SESSION_COOKIE].max_age == 0
    assert account.browser.cookies == {}
    assert bearer.call("GET", "/api/auth/list-sessions").status == 401


def test_sign_out_without_a_session_still_succeeds(local_tables: dict[str, str]) -> None:
    reply = Browser().call("POST", "/api/auth/sign-out")

    assert (reply.status, reply.body) == (200, {"success": True})


def test_protected_routes_answer_401_without_a_session(local_tables: dict[str, str]) -> None:
    for path in ("/api/auth/revoke-sessions", "/api/auth/update-user", "/api/auth/change-password"):
        reply = Browser().call("POST", path, {})
        assert (reply.status, reply.body) == (401, GATEWAY_UNAUTHORIZED)
