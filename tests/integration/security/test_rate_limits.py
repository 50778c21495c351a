"""Abuse limits: guessing is throttled on every route that checks a password, emails a stranger can
trigger are capped, and nobody can lock an owner out from another address (429 + Retry-After)."""

from __future__ import annotations

import pytest

from spooky.ids import new_id
from spooky.services.auth import rate_limits
from tests.support.client import Reply, call
from tests.support.factories import open_session

PASSWORD = "the real password"
ATTACKER, OWNER = "203.0.113.66", "198.51.100.10"
SMALL = {
    "SIGN_IN_PER_ACCOUNT_AND_IP": 3,
    "PASSWORD_CHECK_PER_USER_AND_IP": 3,
    "PASSWORD_GUESSES_PER_IP": 5,
    "RESET_EMAIL_PER_ACCOUNT": 2,
    "VERIFICATION_EMAIL_PER_ADDRESS": 2,
}


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch, local_tables: dict[str, str]) -> None:
    """The production limits, scaled down (tests run with per-test counters, see tests/conftest.py)."""
    for name, attempts in SMALL.items():
        monkeypatch.setattr(rate_limits, name, getattr(rate_limits, name)._replace(attempts=attempts))


def sign_up() -> tuple[str, str]:
    email = f"victim-{new_id()}@example.com"
    body = {"name": "V", "email": email, "password": PASSWORD}
    reply = call("POST", "/api/auth/sign-up/email", body=body)
    assert reply.status == 200, reply.body
    return email, str(reply.body["user"]["id"])


def sign_in(email: str, password: str = "wrong password!", ip: str = ATTACKER) -> int:
    body = {"email": email, "password": password}
    return call("POST", "/api/auth/sign-in/email", body=body, source_ip=ip).status


def test_password_guessing_on_one_account_is_throttled(small_limits: None) -> None:
    email, _ = sign_up()

    statuses = [sign_in(email) for _ in range(4)]

    assert statuses == [401, 401, 401, 429]
    # Even the right password waits for the window: guessing cannot probe it.
    assert sign_in(email, PASSWORD) == 429


def test_a_stranger_cannot_lock_the_owner_out(small_limits: None) -> None:
    # 611f07a counted sign-ins per account: 10 wrong guesses from anywhere locked the owner out.
    email, _ = sign_up()
    assert [sign_in(email) for _ in range(4)][-1] == 429

    assert sign_in(email, PASSWORD, ip=OWNER) == 200


def test_throttled_answer_carries_retry_after(small_limits: None) -> None:
    email = f"someone-{new_id()}@example.com"
    for _ in range(3):
        sign_in(email)

    reply = call(
        "POST", "/api/auth/sign-in/email", body={"email": email, "password": "x" * 10}, source_ip=ATTACKER
    )

    assert reply.status == 429
    assert reply.body["code"] == "TOO_MANY_REQUESTS"
    assert 1 <= int(reply.header("Retry-After") or 0) <= 15 * 60


def test_one_source_ip_spraying_many_accounts_is_throttled(small_limits: None) -> None:
    statuses = [sign_in(f"spray-{new_id()}@example.com") for _ in range(6)]

    assert statuses == [401] * 5 + [429]


def _as_signed_in(user_id: str, path: str, body: object, ip: str) -> Reply:
    """``path`` as the authorizer passes it on for a live session of the user (the stolen one)."""
    session = open_session(user_id).session_id
    return call("POST", path, user_id=user_id, session_id=session, body=body, source_ip=ip)


def _change_password(user_id: str, current: str, ip: str = ATTACKER) -> Reply:
    body = {"currentPassword": current, "newPassword": "a different password"}
    return _as_signed_in(user_id, "/api/auth/change-password", body, ip)


def _delete_user(user_id: str, password: str, ip: str = ATTACKER) -> Reply:
    return _as_signed_in(user_id, "/api/auth/delete-user", {"password": password}, ip)


@pytest.mark.parametrize("route", [_change_password, _delete_user])
def test_password_guessing_through_a_stolen_session_is_throttled(small_limits: None, route: object) -> None:
    # 611f07a: 15 wrong guesses through change-password or delete-user, then the right one -> 200.
    assert callable(route)
    _, user_id = sign_up()

    statuses = [route(user_id, f"guess number {n}").status for n in range(4)]

    assert statuses == [400, 400, 400, 429]
    assert route(user_id, PASSWORD).status == 429
    assert route(user_id, PASSWORD, ip=OWNER).status == 200


def test_password_checks_count_against_the_guessers_address_across_routes(small_limits: None) -> None:
    _, user_id = sign_up()
    email, _ = sign_up()
    for n in range(3):
        _change_password(user_id, f"guess {n}")
    sign_in(email)
    sign_in(email)

    assert sign_in(email) == 429  # 6th guess from the address, whatever the route and account


def test_reset_emails_are_throttled_for_known_and_unknown_accounts_alike(small_limits: None) -> None:
    known, _ = sign_up()
    for email in (f"unknown-{new_id()}@example.com", known):
        statuses = [
            call("POST", "/api/auth/request-password-reset", body={"email": email}).status for _ in range(3)
        ]
        assert statuses == [200, 200, 429]


def test_verification_emails_to_one_address_are_capped(small_limits: None) -> None:
    # 611f07a: 15 anonymous requests -> 15 emails to one address.
    email, _ = sign_up()
    body = {"email": email}

    statuses = [
        call("POST", "/api/auth/send-verification-email", body=body, source_ip=f"192.0.2.{n}").status
        for n in range(3)
    ]

    assert statuses == [200, 200, 429]
