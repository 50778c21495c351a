"""The origin check (CSRF defence for cookie sessions) and redirect targets."""

from __future__ import annotations

import pytest

from spooky.auth.origin import (
    absolute_url,
    check_callback_url,
    check_redirect_url,
    check_request_origin,
    with_query,
)
from spooky.errors import Forbidden
from spooky.settings import Settings

TRUSTED = ["http://localhost:3000", "https://app.example.com/"]
COOKIE = {"Cookie": "better-auth.session_token=x"}


@pytest.mark.parametrize(
    ("method", "headers"),
    [
        ("GET", COOKIE),
        ("HEAD", COOKIE),
        ("OPTIONS", COOKIE),
        ("POST", {}),  # no cookies: a bearer client, nothing a browser could forge
        ("POST", {"Authorization": "Bearer abc"}),
        ("POST", {**COOKIE, "Origin": "http://localhost:3000"}),
        ("DELETE", {**COOKIE, "origin": "HTTPS://APP.EXAMPLE.COM"}),
        ("PATCH", {**COOKIE, "Referer": "https://app.example.com/posts/1?x=y"}),
    ],
)
def test_requests_that_pass(method: str, headers: dict[str, str]) -> None:
    check_request_origin(method, headers, TRUSTED)


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        (COOKIE, "MISSING_OR_NULL_ORIGIN"),
        ({**COOKIE, "Origin": "null"}, "MISSING_OR_NULL_ORIGIN"),
        ({**COOKIE, "Origin": "https://evil.example"}, "INVALID_ORIGIN"),
        ({**COOKIE, "Origin": "http://localhost:3001"}, "INVALID_ORIGIN"),
        ({**COOKIE, "Origin": "https://app.example.com.evil.example"}, "INVALID_ORIGIN"),
        ({**COOKIE, "Referer": "https://evil.example/http://localhost:3000"}, "INVALID_ORIGIN"),
    ],
)
def test_cookie_bearing_writes_from_elsewhere_are_refused(headers: dict[str, str], code: str) -> None:
    with pytest.raises(Forbidden) as refused:
        check_request_origin("POST", headers, TRUSTED)

    assert refused.value.code == code


@pytest.mark.parametrize(
    "url", [None, "", "/", "/dashboard?tab=1", "http://localhost:3000/welcome", "https://app.example.com"]
)
def test_relative_and_trusted_redirect_targets_pass(url: str | None) -> None:
    check_callback_url(url, TRUSTED)
    check_redirect_url(url, TRUSTED)


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/",
        "//evil.example/path",
        "/\\evil.example",
        "javascript:alert(1)",
        "http://localhost:3000@evil.example/",
        "/path\nLocation: https://evil.example",
        "dashboard",
    ],
)
def test_other_redirect_targets_are_refused(url: str) -> None:
    with pytest.raises(Forbidden) as callback:
        check_callback_url(url, TRUSTED)
    with pytest.raises(Forbidden) as redirect:
        check_redirect_url(url, TRUSTED)

    assert callback.value.code == "INVALID_CALLBACK_URL"
    assert redirect.value.code == "INVALID_REDIRECT_URL"


def test_relative_targets_belong_to_the_front_end() -> None:
    assert absolute_url("/welcome?x=1", "http://localhost:3000/") == "http://localhost:3000/welcome?x=1"
    assert absolute_url("https://app.example.com/a", "http://localhost:3000") == "https://app.example.com/a"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://app.example/reset", "https://app.example/reset?token=a%2Fb"),
        ("https://app.example/reset?x=1", "https://app.example/reset?x=1&token=a%2Fb"),
        ("https://app.example/reset?x=1#section", "https://app.example/reset?x=1&token=a%2Fb#section"),
        ("https://app.example/#/reset?step=2", "https://app.example/?token=a%2Fb#/reset?step=2"),
        ("https://app.example/r?q=a%20b+c", "https://app.example/r?q=a%20b+c&token=a%2Fb"),
    ],
)
def test_query_parameters_go_before_the_fragment_and_keep_the_existing_ones(url: str, expected: str) -> None:
    assert with_query(url, token="a/b") == expected


@pytest.mark.parametrize(
    ("public_base_url", "expected"),
    [
        ("https://App.Example.net/app/", ["http://localhost:3000", "https://app.example.net"]),
        ("http://localhost:3000", ["http://localhost:3000"]),
        ("", ["http://localhost:3000"]),
    ],
)
def test_the_front_end_is_trusted_as_better_auth_trusts_its_base_url(
    public_base_url: str, expected: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("API_BASE_URL", raising=False)
    settings = Settings(trusted_origins="http://localhost:3000", public_base_url=public_base_url)

    assert settings.trusted_origin_list == expected


def test_the_api_is_trusted_once_its_url_is_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("API_BASE_URL", raising=False)
    configured = Settings(trusted_origins="https://app.example.com", api_base_url="http://127.0.0.1:4321/")
    # The default (make api's address) is no configuration: a deployed function must not trust it.
    default = Settings(trusted_origins="https://app.example.com", public_base_url="https://app.example.com")

    assert configured.trusted_origin_list[-1] == "http://127.0.0.1:4321"
    assert default.trusted_origin_list == ["https://app.example.com"]
