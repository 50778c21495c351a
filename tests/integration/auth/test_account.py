"""update-user, change-password and delete-user, and the origin check that guards them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from spooky.auth.cookies import SESSION_COOKIE
from spooky.clock import utcnow
from spooky.models.auth import SessionModel
from spooky.repositories import users
from spooky.schemas.users import NewUser
from spooky.settings import get_settings
from tests.support import factories
from tests.support.accounts import PASSWORD, Account, new_email, sign_in
from tests.support.client import GATEWAY_UNAUTHORIZED, Browser, through_gateway
from tests.support.factories import start_session


def _me(browser: Browser) -> dict[str, object]:
    body: dict[str, object] = browser.call("GET", "/api/auth/get-session").body["user"]
    return body


def test_update_user_changes_the_profile(account: Account) -> None:
    reply = account.browser.call(
        "POST",
        "/api/auth/update-user",
        {"name": "Casper II", "lastName": "Ghost", "image": "https://img/x.png"},
    )

    assert (reply.status, reply.body) == (200, {"status": True})
    me = _me(account.browser)
    assert (me["name"], me["lastName"], me["image"]) == ("Casper II", "Ghost", "https://img/x.png")
    account.browser.call("POST", "/api/auth/update-user", {"image": None})
    assert _me(account.browser)["image"] is None


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"email": "new@example.com"}, "EMAIL_CAN_NOT_BE_UPDATED"),
        ({}, "NO_FIELDS_TO_UPDATE"),
        ({"emailVerified": True}, "VALIDATION_ERROR"),
        ({"stripeCustomerId": "cus_1"}, "VALIDATION_ERROR"),
        ({"name": None}, "VALIDATION_ERROR"),
        ({"name": "   "}, "VALIDATION_ERROR"),
    ],
)
def test_update_user_refuses_what_a_user_may_not_change(
    account: Account, body: dict[str, object], code: str
) -> None:
    reply = account.browser.call("POST", "/api/auth/update-user", body)

    assert (reply.status, reply.body["code"]) == (400, code)
    assert _me(account.browser)["emailVerified"] is False


def test_change_password_needs_the_current_one(account: Account) -> None:
    body = {"currentPassword": "not-the-password", "newPassword": "a-brand-new-password"}

    reply = account.browser.call("POST", "/api/auth/change-password", body)

    assert (reply.status, reply.body) == (400, {"code": "INVALID_PASSWORD", "message": "Invalid password"})
    assert sign_in(Browser(), account.email).status == 200


def test_change_password_keeps_sessions_unless_asked(account: Account) -> None:
    other = account.another_device()
    body = {"currentPassword": PASSWORD, "newPassword": "a-brand-new-password"}

    reply = account.browser.call("POST", "/api/auth/change-password", body)

    assert reply.status == 200
    assert reply.body["token"] is None
    assert reply.body["user"]["id"] == account.user_id
    assert sign_in(Browser(), account.email).status == 401
    assert sign_in(Browser(), account.email, "a-brand-new-password").status == 200
    assert other.call("GET", "/api/auth/get-session").body is not None


def test_change_password_with_revoke_other_sessions_starts_a_new_session(account: Account) -> None:
    other = account.another_device()
    old_cookie = account.browser.session_cookie
    body = {"currentPassword": PASSWORD, "newPassword": "a-brand-new-password", "revokeOtherSessions": True}

    reply = account.browser.call("POST", "/api/auth/change-password", body)

    assert reply.status == 200
    assert reply.body["token"]
    assert reply.header("set-auth-token") == account.browser.session_cookie != old_cookie
    assert other.call("GET", "/api/auth/get-session").body is None
    assert (
        Browser(cookies={SESSION_COOKIE: old_cookie or ""}).call("GET", "/api/auth/get-session").body is None
    )
    assert account.browser.call("GET", "/api/auth/get-session").body["user"]["id"] == account.user_id


def test_change_password_applies_the_length_rules(account: Account) -> None:
    body = {"currentPassword": PASSWORD, "newPassword": "short"}

    reply = account.browser.call("POST", "/api/auth/change-password", body)

    assert (reply.status, reply.body["code"]) == (400, "PASSWORD_TOO_SHORT")


def test_delete_user_wants_the_password(account: Account) -> None:
    missing = account.browser.call("POST", "/api/auth/delete-user", {})
    wrong = account.browser.call("POST", "/api/auth/delete-user", {"password": "not-the-password"})

    assert (missing.status, missing.body["code"]) == (400, "USER_ALREADY_HAS_PASSWORD")
    assert (wrong.status, wrong.body["code"]) == (400, "INVALID_PASSWORD")
    assert account.browser.call("GET", "/api/auth/get-session").body is not None


def test_delete_user_soft_deletes_and_signs_out_everywhere(account: Account) -> None:
    other = account.another_device()

    reply = account.browser.call("POST", "/api/auth/delete-user", {"password": PASSWORD})

    assert (reply.status, reply.body) == (200, {"success": True, "message": "User deleted"})
    assert reply.set_cookies[SESSION_COOKIE].max_age == 0
    assert other.call("GET", "/api/auth/list-sessions").body == GATEWAY_UNAUTHORIZED
    assert sign_in(Browser(), account.email).status == 401
    assert through_gateway("GET", f"/users/{account.user_id}").status == 404
    assert users.get_user(account.user_id) is None


def test_a_user_without_a_password_deletes_with_a_fresh_session(local_tables: dict[str, str]) -> None:
    user = factories.create_user(NewUser(name="Social", email=new_email("social")), None)
    fresh = start_session(user.id)
    stale = start_session(user.id)
    SessionModel(stale.session.pk, stale.session.sk).update(
        [SessionModel.created_at.set(utcnow() - timedelta(days=2))]
    )

    refused = Browser(bearer=stale.token).call("POST", "/api/auth/delete-user", {})
    no_password = Browser(bearer=fresh.token).call("POST", "/api/auth/delete-user", {"password": "guess"})
    deleted = Browser(bearer=fresh.token).call("POST", "/api/auth/delete-user")

    assert (refused.status, refused.body["code"]) == (400, "SESSION_EXPIRED")
    assert (no_password.status, no_password.body["code"]) == (400, "CREDENTIAL_ACCOUNT_NOT_FOUND")
    assert deleted.status == 200
    assert users.get_user(user.id) is None


def test_cookie_writes_need_a_trusted_origin_but_bearer_clients_do_not(account: Account) -> None:
    cookies = dict(account.browser.cookies)

    missing = Browser(origin=None, cookies=cookies).call("POST", "/api/auth/update-user", {"name": "X"})
    evil = Browser(origin="https://evil.example", cookies=cookies).call("POST", "/api/auth/sign-out")
    bearer = account.bearer_client().call("POST", "/api/auth/update-user", {"name": "Bearer"})
    reading = Browser(origin=None, cookies=cookies).call("GET", "/api/auth/get-session")

    assert (missing.status, missing.body["code"]) == (403, "MISSING_OR_NULL_ORIGIN")
    assert (evil.status, evil.body["code"]) == (403, "INVALID_ORIGIN")
    assert bearer.status == 200
    assert reading.body["user"]["name"] == "Bearer"


def test_cookie_writes_from_the_apis_own_origin_are_trusted(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Better Auth trusts its baseURL: a client whose base URL is this API sends it as its Origin."""
    monkeypatch.setenv("API_BASE_URL", "https://api.example.com/dev")
    get_settings.cache_clear()
    cookies = dict(account.browser.cookies)

    own = Browser(origin="https://api.example.com", cookies=cookies)
    renamed = own.call("POST", "/api/auth/update-user", {"name": "Own"})
    other_port = Browser(origin="https://api.example.com:8443", cookies=cookies)
    refused = other_port.call("POST", "/api/auth/update-user", {"name": "X"})

    assert renamed.status == 200, renamed.body
    assert (refused.status, refused.body["code"]) == (403, "INVALID_ORIGIN")


def test_cookie_writes_from_the_public_base_url_are_trusted(
    account: Account, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://app.example.net/spooky")
    get_settings.cache_clear()

    reply = Browser(origin="https://app.example.net", cookies=dict(account.browser.cookies)).call(
        "POST", "/api/auth/update-user", {"name": "Front"}
    )

    assert reply.status == 200, reply.body
