"""Session cookie attributes per environment (COOKIE_* settings), Better Auth's format by default."""

from __future__ import annotations

import pytest

from spooky.auth.cookies import signed_cookie_value
from spooky.http.auth import cleared_session_cookies, session_cookies
from spooky.settings import Settings, SettingsError, get_settings

TOKEN = "Q8m2ZkT0aXbR7vLp3sWn9YcHd4Ef6GjKu1Mo5NqBz2A"


def configure(monkeypatch: pytest.MonkeyPatch, **variables: str) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()


def test_defaults_are_better_auths_cookie_byte_for_byte() -> None:
    (cookie,) = session_cookies(TOKEN, max_age=604800)

    attributes = "Path=/; Max-Age=604800; HttpOnly; Secure; SameSite=Lax"
    assert str(cookie) == f"better-auth.session_token={signed_cookie_value(TOKEN)}; {attributes}"


def test_a_cookie_domain_shares_the_session_with_sibling_subdomains(monkeypatch: pytest.MonkeyPatch) -> None:
    configure(monkeypatch, COOKIE_DOMAIN="example.com")

    cookies = [*session_cookies(TOKEN, max_age=604800, remember=False), *cleared_session_cookies()]

    assert all("; Domain=example.com;" in str(cookie) for cookie in cookies)


def test_cross_site_cookies_are_secure_and_may_be_partitioned(monkeypatch: pytest.MonkeyPatch) -> None:
    configure(monkeypatch, COOKIE_SAME_SITE="None", COOKIE_PARTITIONED="true")

    (cookie,) = session_cookies(TOKEN, max_age=None)

    assert str(cookie).endswith("; HttpOnly; Secure; SameSite=None; Partitioned")


def test_an_empty_domain_means_a_host_only_cookie(monkeypatch: pytest.MonkeyPatch) -> None:
    configure(monkeypatch, COOKIE_DOMAIN="")

    (cookie,) = session_cookies(TOKEN, max_age=10)

    assert "Domain" not in str(cookie)


@pytest.mark.parametrize("variables", [{"COOKIE_SAME_SITE": "None"}, {"COOKIE_PARTITIONED": "true"}])
def test_insecure_cross_site_cookies_are_refused_at_start(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str]
) -> None:
    configure(monkeypatch, COOKIE_SECURE="false", **variables)

    with pytest.raises(SettingsError, match="COOKIE_SECURE"):
        Settings()
