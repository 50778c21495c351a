"""Brute force is throttled per account and per source IP: 429 with Retry-After, nothing else revealed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from spooky.ids import new_id
from spooky.services.auth import rate_limits
from tests.api_client import call


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch, local_tables: dict[str, str]) -> None:
    """The production limits, scaled down (tests run with per-test counters, see tests/conftest.py)."""
    for name, attempts in (("SIGN_IN_PER_ACCOUNT", 3), ("SIGN_IN_PER_IP", 5), ("RESET_EMAIL_PER_ACCOUNT", 2)):
        monkeypatch.setattr(rate_limits, name, replace(getattr(rate_limits, name), attempts=attempts))


def sign_in(email: str, password: str = "wrong password!") -> int:
    return call("POST", "/api/auth/sign-in/email", body={"email": email, "password": password}).status


def test_password_guessing_on_one_account_is_throttled(small_limits: None) -> None:
    email = f"victim-{new_id()}@example.com"
    call(
        "POST", "/api/auth/sign-up/email", body={"name": "V", "email": email, "password": "the real password"}
    )

    statuses = [sign_in(email) for _ in range(4)]

    assert statuses == [401, 401, 401, 429]
    # Even the right password waits for the window: guessing cannot probe it.
    assert sign_in(email, "the real password") == 429


def test_throttled_answer_carries_retry_after(small_limits: None) -> None:
    email = f"someone-{new_id()}@example.com"
    for _ in range(3):
        sign_in(email)

    reply = call("POST", "/api/auth/sign-in/email", body={"email": email, "password": "x" * 10})

    assert reply.status == 429
    assert reply.body["code"] == "TOO_MANY_REQUESTS"
    assert 1 <= int(reply.header("Retry-After") or 0) <= 15 * 60


def test_one_source_ip_spraying_many_accounts_is_throttled(small_limits: None) -> None:
    statuses = [sign_in(f"spray-{new_id()}@example.com") for _ in range(6)]

    assert statuses == [401] * 5 + [429]


def test_reset_emails_are_throttled_for_known_and_unknown_accounts_alike(small_limits: None) -> None:
    for email in (f"unknown-{new_id()}@example.com",):
        statuses = [
            call("POST", "/api/auth/request-password-reset", body={"email": email}).status for _ in range(3)
        ]
        assert statuses == [200, 200, 429]
