"""sign-up/email and sign-in/email as Better Auth clients see them: cookie, bearer token, error codes."""

from __future__ import annotations

from urllib.parse import unquote

import pytest

from spooky.auth.cookies import DONT_REMEMBER_COOKIE, SESSION_COOKIE
from spooky.auth.passwords import hash_password
from spooky.models.app import AccountModel
from spooky.schemas.users import NewUser
from tests.support import factories
from tests.support.accounts import PASSWORD, Account, new_email, sign_in, sign_up
from tests.support.client import Browser
from tests.unit.auth.test_passwords import BETTER_AUTH_HASH, BETTER_AUTH_PASSWORD

# Real password work: sign-up and sign-in with the production argon2id parameters.
pytestmark = pytest.mark.real_passwords

SEVEN_DAYS = 7 * 24 * 3600


def test_sign_up_returns_the_user_and_opens_a_session(local_tables: dict[str, str]) -> None:
    browser = Browser()
    email = new_email()

    reply = sign_up(browser, email.upper(), firstName="Casper", lastName="Ghost")

    assert reply.status == 200
    user = reply.body["user"]
    assert user["email"] == email
    assert user["emailVerified"] is False
    assert (user["name"], user["firstName"], user["lastName"], user["image"]) == (
        "Casper",
        "Casper",
        "Ghost",
        None,
    )
    assert {"id", "createdAt", "updatedAt"} <= user.keys()
    assert not {"password", "stripeCustomerId"} & user.keys()
    cookie = reply.set_cookies[SESSION_COOKIE]
    assert cookie.attributes == {
        "path": "/",
        "max-age": str(SEVEN_DAYS),
        "httponly": "",
        "secure": "",
        "samesite": "Lax",
    }
    assert unquote(cookie.value).startswith(reply.body["token"] + ".")
    assert reply.header("set-auth-token") == cookie.value


def test_signing_up_twice_with_one_email_is_refused_whatever_its_case(local_tables: dict[str, str]) -> None:
    email = new_email()
    assert sign_up(Browser(), email).status == 200

    reply = sign_up(Browser(), email.upper())

    assert reply.status == 422
    assert reply.body == {
        "code": "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL",
        "message": "User already exists. Use another email.",
    }


@pytest.mark.parametrize(
    ("password", "code"), [("x" * 7, "PASSWORD_TOO_SHORT"), ("x" * 129, "PASSWORD_TOO_LONG")]
)
def test_passwords_outside_8_to_128_characters_are_refused(
    local_tables: dict[str, str], password: str, code: str
) -> None:
    reply = sign_up(Browser(), new_email(), password)

    assert reply.status == 400
    assert reply.body["code"] == code


@pytest.mark.parametrize(
    "extra",
    [
        {"emailVerified": True},
        {"stripeCustomerId": "cus_123"},
        {"id": "01JDQ7Z4X2M8K5V3N6P9R0T1WA"},
        {"createdAt": "2020-01-01T00:00:00Z"},
        {"postCount": 1000},
    ],
)
def test_clients_cannot_set_protected_fields(local_tables: dict[str, str], extra: dict[str, object]) -> None:
    reply = sign_up(Browser(), new_email(), **extra)

    assert reply.status == 400
    assert reply.body["code"] == "VALIDATION_ERROR"


def test_sign_in_with_the_right_password_opens_another_session(account: Account) -> None:
    browser = Browser()

    reply = sign_in(browser, account.email.upper())

    assert reply.status == 200
    assert reply.body["redirect"] is False
    assert "url" not in reply.body
    assert reply.body["user"]["id"] == account.user_id
    assert reply.body["token"] != account.token
    assert unquote(browser.session_cookie or "").startswith(reply.body["token"] + ".")
    assert reply.header("set-auth-token") == browser.session_cookie


def test_sign_in_with_a_callback_url_asks_the_client_to_redirect(account: Account) -> None:
    reply = sign_in(Browser(), account.email, callbackURL="/dashboard")

    assert (reply.body["redirect"], reply.body["url"]) == (True, "/dashboard")


def test_wrong_passwords_and_unknown_emails_get_one_answer(account: Account) -> None:
    wrong_password = sign_in(Browser(), account.email, "not-the-password")
    unknown_email = sign_in(Browser(), new_email("nobody"))

    expected = {"code": "INVALID_EMAIL_OR_PASSWORD", "message": "Invalid email or password"}
    assert (wrong_password.status, wrong_password.body) == (401, expected)
    assert (unknown_email.status, unknown_email.body) == (401, expected)
    assert wrong_password.set_cookies == unknown_email.set_cookies == {}


def test_sign_in_with_a_malformed_email_is_invalid_email(local_tables: dict[str, str]) -> None:
    reply = sign_in(Browser(), "not-an-email")

    assert (reply.status, reply.body["code"]) == (400, "INVALID_EMAIL")


def test_an_untrusted_callback_url_is_refused(account: Account) -> None:
    reply = sign_in(Browser(), account.email, callbackURL="https://evil.example/phish")

    assert (reply.status, reply.body["code"]) == (403, "INVALID_CALLBACK_URL")


def test_remember_me_false_gives_a_browser_session_cookie_and_a_one_day_session(account: Account) -> None:
    browser = Browser()

    reply = sign_in(browser, account.email, rememberMe=False)

    assert reply.set_cookies[SESSION_COOKIE].max_age is None
    assert DONT_REMEMBER_COOKIE in reply.set_cookies
    session = browser.call("GET", "/api/auth/get-session").body["session"]
    created, expires = (session[key] for key in ("createdAt", "expiresAt"))
    from datetime import datetime

    lifetime = datetime.fromisoformat(expires) - datetime.fromisoformat(created)
    assert 23 * 3600 < lifetime.total_seconds() <= 24 * 3600


def test_users_imported_with_better_auth_scrypt_hashes_sign_in_and_move_to_argon2id(
    local_tables: dict[str, str],
) -> None:
    email = new_email("imported")
    user = factories.create_user(NewUser(name="Imported", email=email), BETTER_AUTH_HASH)

    first = sign_in(Browser(), email, BETTER_AUTH_PASSWORD)
    second = sign_in(Browser(), email, BETTER_AUTH_PASSWORD)

    assert (first.status, second.status) == (200, 200)
    account = factories.get_credential(user.id)
    assert isinstance(account, AccountModel)
    assert (account.password or "").startswith("$argon2id$")
    assert sign_in(Browser(), email, "wrong-password").status == 401


def test_a_soft_deleted_user_cannot_sign_in(local_tables: dict[str, str]) -> None:
    email = new_email("gone")
    user = factories.create_user(NewUser(name="Gone", email=email), hash_password(PASSWORD))
    factories.soft_delete_user(user.id)

    reply = sign_in(Browser(), email)

    assert (reply.status, reply.body["code"]) == (401, "INVALID_EMAIL_OR_PASSWORD")
