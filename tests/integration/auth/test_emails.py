"""Email verification and password reset through the outbox: links, one-time tokens, no enumeration."""

from __future__ import annotations

import json
import time
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from devtools.functions import load_handler
from devtools.lambda_context import LocalLambdaContext
from devtools.template import ROOT
from spooky.auth.timing import ACCOUNT_BLIND_SECONDS
from spooky.email import read_outbox
from spooky.settings import get_settings
from tests.support.accounts import PASSWORD, Account, new_email, sign_in, sign_up
from tests.support.client import Browser

# Real password work: the account-blind answer floor is measured here.
pytestmark = pytest.mark.real_passwords

NEW_PASSWORD = "a-brand-new-password"
# A front-end page with its own query and a fragment: the token must land in the query, before the #.
APP_PAGE = "https://app.example/reset?x=1#section"


@pytest.fixture
def app_example_trusted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTED_ORIGINS", "http://localhost:3000,https://app.example")
    get_settings.cache_clear()


def _last_link(tag: str, to: str) -> str:
    links = [message["link"] for message in read_outbox() if message["tag"] == tag and message["to"] == to]
    assert links, f"no {tag} email to {to}"
    link: str = links[-1]
    return link


def _query(link: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(link).query).items()}


def _verify(query: str) -> tuple[int, object, str | None]:
    reply = Browser().call("GET", "/api/auth/verify-email", query=query)
    return reply.status, reply.body, reply.header("Location")


def test_sign_up_emails_a_verification_link_to_this_api(account: Account) -> None:
    link = _last_link("verify-email", account.email)

    assert link.startswith("http://")  # local events: no X-Forwarded-Proto, no execute-api host
    assert urlsplit(link).path == "/api/auth/verify-email"
    assert _query(link)["callbackURL"] == "/"
    assert len(_query(link)["token"]) == 43


def test_the_verification_link_verifies_once(account: Account) -> None:
    token = _query(_last_link("verify-email", account.email))["token"]

    assert _verify(f"token={token}") == (200, {"status": True, "user": None}, None)
    assert account.browser.call("GET", "/api/auth/get-session").body["user"]["emailVerified"] is True
    assert _verify(f"token={token}")[:2] == (401, {"code": "INVALID_TOKEN", "message": "invalid_token"})


def test_verification_redirects_to_the_callback_url(local_tables: dict[str, str]) -> None:
    email = new_email()
    sign_up(Browser(), email, callbackURL="/welcome")
    link = _last_link("verify-email", email)

    status, _, location = _verify(urlsplit(link).query)
    _, _, failure = _verify(urlsplit(link).query)

    assert (status, location) == (302, "http://localhost:3000/welcome")
    assert failure == "http://localhost:3000/welcome?error=invalid_token"


def test_verification_refuses_untrusted_callbacks(account: Account) -> None:
    token = _query(_last_link("verify-email", account.email))["token"]

    status, body, _ = _verify(f"token={token}&callbackURL=https://evil.example/")

    assert (status, body) == (403, {"code": "INVALID_CALLBACK_URL", "message": "Invalid callbackURL"})


def test_send_verification_email_answers_alike_for_unknown_emails(account: Account) -> None:
    before = len(read_outbox())

    known = Browser().call("POST", "/api/auth/send-verification-email", {"email": account.email})
    unknown = Browser().call("POST", "/api/auth/send-verification-email", {"email": new_email("nobody")})

    assert (known.status, known.body) == (unknown.status, unknown.body) == (200, {"status": True})
    assert len(read_outbox()) == before + 1


def test_a_verified_user_asking_again_is_told_so(account: Account) -> None:
    token = _query(_last_link("verify-email", account.email))["token"]
    _verify(f"token={token}")

    reply = account.browser.call("POST", "/api/auth/send-verification-email", {"email": account.email})

    assert (reply.status, reply.body["code"]) == (400, "EMAIL_ALREADY_VERIFIED")


def _request_reset(email: str, **extra: object) -> tuple[object, float]:
    started = time.monotonic()
    reply = Browser().call("POST", "/api/auth/request-password-reset", {"email": email, **extra})
    assert reply.status == 200, reply.body
    return reply.body, time.monotonic() - started


def test_password_reset_requests_reveal_nothing(account: Account) -> None:
    before = len(read_outbox())

    known, known_seconds = _request_reset(account.email)
    unknown, unknown_seconds = _request_reset(new_email("nobody"))

    assert (
        known
        == unknown
        == {
            "status": True,
            "message": "If this email exists in our system, check your email for the reset link",
        }
    )
    assert min(known_seconds, unknown_seconds) >= ACCOUNT_BLIND_SECONDS
    assert len(read_outbox()) == before + 1


def test_password_reset_sets_the_password_and_signs_out_everywhere(account: Account) -> None:
    _request_reset(account.email, redirectTo="http://localhost:3000/reset?step=2")
    link = _last_link("reset-password", account.email)
    token = _query(link)["token"]

    reply = Browser().call("POST", "/api/auth/reset-password", {"newPassword": NEW_PASSWORD, "token": token})

    assert link.startswith("http://localhost:3000/reset?step=2&token=")
    assert (reply.status, reply.body) == (200, {"status": True})
    assert account.browser.call("GET", "/api/auth/get-session").body is None
    assert sign_in(Browser(), account.email).status == 401
    assert sign_in(Browser(), account.email, NEW_PASSWORD).status == 200
    again = Browser().call("POST", "/api/auth/reset-password", {"newPassword": PASSWORD, "token": token})
    assert (again.status, again.body["code"]) == (400, "INVALID_TOKEN")


def test_the_reset_token_goes_into_the_query_before_the_fragment(
    account: Account, app_example_trusted: None
) -> None:
    _request_reset(account.email, redirectTo=APP_PAGE)
    link = _last_link("reset-password", account.email)

    assert link.startswith("https://app.example/reset?x=1&token=")
    assert link.endswith("#section")
    assert set(_query(link)) == {"x", "token"}


def test_verification_errors_go_into_the_query_before_the_fragment(
    account: Account, app_example_trusted: None
) -> None:
    _, _, location = _verify(f"token=made-up&callbackURL={quote(APP_PAGE, safe='')}")

    assert location == "https://app.example/reset?x=1&error=invalid_token#section"


def test_reset_token_in_the_query_and_length_rules_first(account: Account) -> None:
    _request_reset(account.email)
    token = _query(_last_link("reset-password", account.email))["token"]

    short = Browser().call(
        "POST", "/api/auth/reset-password", {"newPassword": "short"}, query=f"token={token}"
    )
    done = Browser().call(
        "POST", "/api/auth/reset-password", {"newPassword": NEW_PASSWORD}, query=f"token={token}"
    )

    assert (short.status, short.body["code"]) == (400, "PASSWORD_TOO_SHORT")
    assert done.status == 200  # the too-short attempt did not spend the token


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"newPassword": NEW_PASSWORD}, 400, "INVALID_TOKEN"),
        ({"newPassword": NEW_PASSWORD, "token": "made-up-token"}, 400, "INVALID_TOKEN"),
    ],
)
def test_reset_password_without_a_valid_token(
    local_tables: dict[str, str], body: dict[str, object], status: int, code: str
) -> None:
    reply = Browser().call("POST", "/api/auth/reset-password", body)

    assert (reply.status, reply.body["code"]) == (status, code)


def test_reset_links_only_point_to_trusted_origins(account: Account) -> None:
    reply = Browser().call(
        "POST",
        "/api/auth/request-password-reset",
        {"email": account.email, "redirectTo": "https://evil.example/"},
    )

    assert (reply.status, reply.body["code"]) == (403, "INVALID_REDIRECT_URL")


CONFIGURED_API = "https://api.spooky.example/dev"


def test_links_to_this_api_come_from_configuration_not_the_request(
    local_tables: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_BASE_URL", CONFIGURED_API)
    get_settings.cache_clear()
    forged = {"Host": "evil.example", "X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"}
    email = new_email("forged-host")

    body = {"name": "Casper", "email": email, "password": PASSWORD, "callbackURL": "/welcome"}
    Browser().call("POST", "/api/auth/sign-up/email", body, headers=forged)
    Browser().call("POST", "/api/auth/send-verification-email", {"email": email}, headers=forged)

    links = [message["link"] for message in read_outbox() if message["to"] == email]
    assert len(links) == 2
    for link in links:
        assert link.startswith(f"{CONFIGURED_API}/api/auth/verify-email?token=")
        assert "evil.example" not in link


def test_the_sample_gateway_event_gets_the_configured_stage_url(
    local_tables: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("API_BASE_URL", CONFIGURED_API)
    get_settings.cache_clear()
    event = json.loads((ROOT / "events" / "sign_up_email.json").read_text())
    email = new_email("deployed")
    event["body"] = json.dumps({**json.loads(event["body"]), "email": email})

    response = load_handler("SignUpEmailFunction")(event, LocalLambdaContext("SignUpEmailFunction"))

    assert response["statusCode"] == 200
    link = _last_link("verify-email", email)
    assert link.startswith(f"{CONFIGURED_API}/api/auth/verify-email?token=")
    assert _query(link)["callbackURL"] == "/welcome"


def test_a_failing_email_service_still_signs_up_and_is_counted(
    local_tables: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from spooky import email
    from tests.support.emf import emitted

    def ses_refuses(message: email.EmailMessage) -> None:
        raise ConnectionError("SES refused the sender")

    monkeypatch.setattr(email, "send_email", ses_refuses)
    address = new_email()
    capsys.readouterr()

    reply = sign_up(Browser(), address)

    # Better Auth's contract: the account exists and the session is open, whatever the mail server said.
    assert reply.status == 200
    assert reply.body["user"]["email"] == address
    assert emitted(capsys.readouterr().out).get("EmailDeliveryFailures") == [1.0]
