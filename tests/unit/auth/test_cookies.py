"""Better Auth's signed session cookie and bearer token, read back from request headers."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from spooky.auth import cookies
from spooky.auth.cookies import parse_cookie_header, session_token, sign, signed_cookie_value, unsign

TOKEN = "Q8m2ZkT0aXbR7vLp3sWn9YcHd4Ef6GjKu1Mo5NqBz2A"
# Computed with Node (as better-call does), for tests.conftest.TEST_SECRET:
#   encodeURIComponent(token + "." + crypto.createHmac("sha256", secret).update(token).digest("base64"))
COOKIE_VALUE = (
    "Q8m2ZkT0aXbR7vLp3sWn9YcHd4Ef6GjKu1Mo5NqBz2A.HlyXOW%2F7QzCJfVF%2BQcwK2f1e0vCDzMG6ES9WUcewPg4%3D"
)
DONT_REMEMBER_VALUE = "true.GmCC%2FT%2Bwq8RYu5aTmazyx58SbBsbtena%2F6029cYr1lQ%3D"
SIGNED = "Q8m2ZkT0aXbR7vLp3sWn9YcHd4Ef6GjKu1Mo5NqBz2A.HlyXOW/7QzCJfVF+QcwK2f1e0vCDzMG6ES9WUcewPg4="


def test_signed_values_match_better_auths_format_byte_for_byte() -> None:
    assert sign(TOKEN) == SIGNED
    assert len(SIGNED.rpartition(".")[2]) == 44
    assert signed_cookie_value(TOKEN) == COOKIE_VALUE
    assert signed_cookie_value("true") == DONT_REMEMBER_VALUE


@pytest.mark.parametrize("presented", [COOKIE_VALUE, SIGNED, SIGNED.rstrip("=")])
def test_unsign_accepts_encoded_decoded_and_unpadded_forms(presented: str) -> None:
    assert unsign(presented) == TOKEN


@pytest.mark.parametrize(
    "presented",
    [
        TOKEN,
        f"{TOKEN}.",
        f".{SIGNED.rpartition('.')[2]}",
        SIGNED.replace("Q8m2", "Q8m3"),
        SIGNED[:-3] + "AA=",
        f"{TOKEN}.{'A' * 43}=",
    ],
)
def test_unsign_refuses_anything_not_signed_with_the_secret(presented: str) -> None:
    assert unsign(presented) is None


def test_a_signature_made_with_another_secret_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from spooky.settings import get_settings

    monkeypatch.setenv("AUTH_SECRET", "another-secret-entirely-0123456789")
    get_settings.cache_clear()

    assert unsign(SIGNED) is None


def test_cookie_header_parsing_keeps_the_first_value_and_unquotes() -> None:
    parsed = parse_cookie_header('a=1; b="two"; a=3;broken; c=x=y')

    assert parsed == {"a": "1", "b": "two", "c": "x=y"}


@pytest.mark.parametrize(
    "headers",
    [
        {"Cookie": f"theme=dark; {cookies.SESSION_COOKIE}={COOKIE_VALUE}"},
        {"cookie": f"__Secure-{cookies.SESSION_COOKIE}={COOKIE_VALUE}"},
        {"Authorization": f"Bearer {COOKIE_VALUE}"},
        {"authorization": f"bearer {SIGNED}"},
        {"Authorization": f"Bearer {TOKEN}"},
        # A bearer credential wins over a cookie (the bearer plugin turns it into the session cookie).
        {"Authorization": f"Bearer {TOKEN}", "Cookie": f"{cookies.SESSION_COOKIE}=junk"},
    ],
)
def test_the_session_token_comes_from_the_cookie_or_the_bearer_header(headers: dict[str, str]) -> None:
    assert session_token(headers) == TOKEN


@pytest.mark.parametrize(
    "headers",
    [
        None,
        {},
        {"Cookie": "theme=dark"},
        {"Cookie": f"{cookies.SESSION_COOKIE}={TOKEN}"},  # cookies must be signed
        {"Cookie": f"{cookies.SESSION_COOKIE}={SIGNED.replace('Q8m2', 'Q8m3')}"},
        {"Authorization": f"Bearer {SIGNED.replace('Q8m2', 'Q8m3')}"},
        {"Authorization": "Bearer short"},
        {"Authorization": "Bearer not/a+token"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": "Bearer", "Cookie": f"{cookies.SESSION_COOKIE}={COOKIE_VALUE}"},
    ],
)
def test_anything_else_presents_no_session(headers: dict[str, str] | None) -> None:
    assert session_token(headers) is None


def test_the_dont_remember_cookie_must_be_signed() -> None:
    assert cookies.wants_short_session({"Cookie": f"{cookies.DONT_REMEMBER_COOKIE}={DONT_REMEMBER_VALUE}"})
    assert not cookies.wants_short_session({"Cookie": f"{cookies.DONT_REMEMBER_COOKIE}=true"})
    assert not cookies.wants_short_session({})


# Each once raised (TypeError from hmac.compare_digest on non-ASCII str, UnicodeEncodeError on a lone
# surrogate): a 500 on get-session and sign-out, a 503 "Authorizer unavailable" on protected routes.
UNREADABLE_CREDENTIALS = [
    "a.%C3%A9",
    "a.\u00e9",
    f"{TOKEN}." + "\u00e9" * 44,
    f"{TOKEN}.{'A' * 43}\u00b2",
    "\ud800.AAAA",
    f"\ud800.{SIGNED.rpartition('.')[2]}",
    f"{TOKEN}.\ud800",
    "%ED%A0%80.%C3%A9",
]


@pytest.mark.parametrize("credential", UNREADABLE_CREDENTIALS)
def test_unreadable_credentials_present_no_session(credential: str) -> None:
    for headers in (
        {"Authorization": f"Bearer {credential}"},
        {"Cookie": f"{cookies.SESSION_COOKIE}={credential}"},
    ):
        assert session_token(headers) is None, headers
    assert not cookies.wants_short_session({"Cookie": f"{cookies.DONT_REMEMBER_COOKIE}={credential}"})


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(text=st.text())
def test_reading_credentials_is_total(text: str) -> None:
    """Any str in, a token or None out: never an exception (that is a 5xx at the HTTP layer)."""
    signature = SIGNED.rpartition(".")[2]
    for credential in (text, f"{text}.{signature}", f"{TOKEN}.{text}", f"{text}.{text}"):
        for headers in (
            {"Authorization": f"Bearer {credential}"},
            {"Authorization": credential},
            {"Cookie": f"{cookies.SESSION_COOKIE}={credential}"},
            {"Cookie": credential},
        ):
            token = session_token(headers)
            assert token is None or token == TOKEN or cookies._TOKEN.fullmatch(token), headers
        cookies.wants_short_session({"Cookie": f"{cookies.DONT_REMEMBER_COOKIE}={credential}"})
