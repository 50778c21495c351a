"""Logs never contain passwords, tokens, cookies or password hashes, even at DEBUG and on errors."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from spooky.email import read_outbox
from tests.support import factories
from tests.support.accounts import new_email, sign_in, sign_up
from tests.support.client import Browser

FIRST_PASSWORD = "first-secret-Pa55word"
SECOND_PASSWORD = "second-secret-Pa55word"
THIRD_PASSWORD = "third-secret-Pa55word"


@pytest.fixture
def debug_logging() -> Iterator[None]:
    # Imported here: Powertools reads POWERTOOLS_* when the module loads, after the test environment is set.
    from spooky.observability import logger

    level = logger.log_level
    logger.setLevel("DEBUG")
    yield
    logger.setLevel(level)


def _token(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


def test_a_whole_account_lifecycle_logs_no_secret(
    local_tables: dict[str, str],
    debug_logging: None,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    email = new_email("secretive")
    browser = Browser()
    signed_up = sign_up(browser, email, FIRST_PASSWORD)
    user_id = signed_up.body["user"]["id"]
    signed_in = sign_in(Browser(), email, FIRST_PASSWORD)
    Browser(origin=None, bearer=signed_in.header("set-auth-token")).call("GET", "/api/auth/get-session")
    sign_in(Browser(), email, "a-wrong-password")
    browser.call(
        "POST",
        "/api/auth/change-password",
        {"currentPassword": FIRST_PASSWORD, "newPassword": SECOND_PASSWORD},
    )
    Browser().call("POST", "/api/auth/request-password-reset", {"email": email})
    messages = read_outbox()
    reset_token = _token(messages[-1]["link"])
    verify_token = _token(messages[0]["link"])
    Browser().call("POST", "/api/auth/reset-password", {"newPassword": THIRD_PASSWORD, "token": reset_token})
    Browser().call("GET", "/api/auth/verify-email", query=f"token={verify_token}")
    account = factories.get_credential(user_id)
    assert account is not None

    logs = capfd.readouterr()
    output = logs.out + logs.err + caplog.text
    secrets = {
        "passwords": [FIRST_PASSWORD, SECOND_PASSWORD, THIRD_PASSWORD, "a-wrong-password"],
        "session tokens": [signed_up.body["token"], signed_in.body["token"]],
        "cookies": [
            browser.cookies.get("better-auth.session_token", ""),
            unquote(signed_in.header("set-auth-token") or ""),
        ],
        "email tokens": [reset_token, verify_token],
        "password hash": [account.password or ""],
    }
    assert "Email written to the local outbox" in output  # the logs were captured
    for kind, values in secrets.items():
        for value in values:
            assert value
            assert value not in output, f"{kind} leaked into the logs"
