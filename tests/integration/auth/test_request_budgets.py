"""Requests per auth route, on every path a caller can take (issue 12's budgets): the authorizer and
get-session 1, sign-in at most 3, every other auth route at most 2, revoking all sessions 1 at any count.

Counted in-process with spooky.db.observe around the handler alone (the authorizer has its own row).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import pytest

from spooky.auth.passwords import hash_password
from spooky.db.observe import recording
from spooky.email import read_outbox
from spooky.repositories import users
from spooky.schemas.users import NewUser
from tests.support import factories
from tests.support.accounts import PASSWORD, Account, new_email, sign_in, sign_up
from tests.support.client import Browser, Reply, call, through_gateway
from tests.support.factories import open_session

SIGN_IN_BUDGET = 3
AUTH_ROUTE_BUDGET = 2


def requests_of(action: Callable[[], Reply], expected_status: int = 200) -> list[str]:
    with recording() as seen:
        reply = action()
    assert reply.status == expected_status, reply.body
    return [observation.operation for observation in seen]


def _authorized(account: Account, method: str, path: str, body: object = None) -> Callable[[], Reply]:
    """The route's handler as API Gateway calls it once the authorizer admitted the account."""
    session_id = account.token[-69:-43]  # <userId><sessionId><secret>: the ULID before the secret
    return lambda: call(method, path, user_id=account.user_id, session_id=session_id, body=body)


def _token_of(tag: str, to: str) -> str:
    link = [m["link"] for m in read_outbox() if m["tag"] == tag and m["to"] == to][-1]
    return parse_qs(urlsplit(link).query)["token"][0]


@pytest.mark.parametrize(
    ("password", "status"), [(PASSWORD, 200), ("wrong-password", 401)], ids=["right", "wrong"]
)
def test_sign_in_takes_three_requests_right_or_wrong(account: Account, password: str, status: int) -> None:
    done = requests_of(lambda: sign_in(Browser(), account.email, password), status)
    assert done == ["BatchGetItem", "BatchGetItem", "TransactWriteItems"]


def test_sign_in_of_an_unknown_email_makes_the_same_three_requests(local_tables: dict[str, str]) -> None:
    # The same requests as for a known email: their number tells nobody whether an account exists.
    assert requests_of(lambda: sign_in(Browser(), new_email("nobody")), 401) == [
        "BatchGetItem",
        "BatchGetItem",
        "TransactWriteItems",
    ]


def test_sign_up_is_one_transaction(local_tables: dict[str, str]) -> None:
    assert requests_of(lambda: sign_up(Browser(), new_email())) == ["TransactWriteItems"]


@pytest.mark.parametrize("revoke", [False, True])
def test_change_password_takes_two_requests(account: Account, revoke: bool) -> None:
    body = {"currentPassword": PASSWORD, "newPassword": "another-password", "revokeOtherSessions": revoke}
    change = _authorized(account, "POST", "/api/auth/change-password", body)
    assert requests_of(change) == ["BatchGetItem", "TransactWriteItems"]


def test_a_wrong_current_password_is_counted_in_two_requests(account: Account) -> None:
    body = {"currentPassword": "wrong-password", "newPassword": "another-password"}
    change = _authorized(account, "POST", "/api/auth/change-password", body)
    assert requests_of(change, 400) == ["BatchGetItem", "TransactWriteItems"]


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        ("/api/auth/revoke-sessions", ["TransactWriteItems"]),
        # The caller's session and epoch are read first: the write is conditioned on that epoch.
        ("/api/auth/revoke-other-sessions", ["BatchGetItem", "TransactWriteItems"]),
    ],
)
def test_revoking_sessions_costs_the_same_at_any_count(
    account: Account, route: str, expected: list[str]
) -> None:
    for _ in range(30):
        open_session(account.user_id)
    assert requests_of(_authorized(account, "POST", route)) == expected


@pytest.mark.parametrize("with_password", [True, False])
def test_delete_user_takes_two_requests(local_tables: dict[str, str], with_password: bool) -> None:
    email = new_email()
    user = factories.create_user(
        NewUser(name="Wednesday", email=email), hash_password(PASSWORD) if with_password else None
    )
    account = Account(Browser(), email, user.id, open_session(user.id).value)
    body = {"password": PASSWORD} if with_password else None
    assert requests_of(_authorized(account, "POST", "/api/auth/delete-user", body)) == [
        "BatchGetItem",
        "TransactWriteItems",
    ]


def _send_verification(email: str, bearer: str | None = None) -> Callable[[], Reply]:
    return lambda: Browser(bearer=bearer).call("POST", "/api/auth/send-verification-email", {"email": email})


@pytest.mark.parametrize("caller", ["signed-in", "anonymous", "dead-token"])
def test_send_verification_email_takes_two_requests(account: Account, caller: str) -> None:
    bearer = {"signed-in": account.token, "anonymous": None, "dead-token": account.token[:-1] + "x"}[caller]
    before = len(read_outbox())
    assert requests_of(_send_verification(account.email, bearer)) == ["BatchGetItem", "TransactWriteItems"]
    assert len(read_outbox()) == before + 1


def test_a_verified_or_unknown_address_costs_two_requests_and_gets_nothing(account: Account) -> None:
    token = _token_of("verify-email", account.email)
    verify = lambda: Browser().call("GET", "/api/auth/verify-email", query=f"token={token}")  # noqa: E731
    assert requests_of(verify) == ["DeleteItem", "TransactWriteItems"]
    claim = users.find_email_claim(account.email)
    assert claim is not None
    assert claim.email_verified is True  # the claim's copy moved with the user
    before = len(read_outbox())
    for email in (account.email, new_email("nobody")):
        assert requests_of(_send_verification(email)) == ["BatchGetItem", "TransactWriteItems"]
    assert len(read_outbox()) == before


@pytest.mark.parametrize("known", [True, False])
def test_request_password_reset_takes_two_requests(account: Account, known: bool) -> None:
    email = account.email if known else new_email("nobody")
    reset = lambda: Browser().call("POST", "/api/auth/request-password-reset", {"email": email})  # noqa: E731
    assert requests_of(reset) == ["GetItem", "TransactWriteItems"]


def test_reset_password_takes_two_requests_and_signs_out_everywhere(account: Account) -> None:
    Browser().call("POST", "/api/auth/request-password-reset", {"email": account.email})
    token = _token_of("reset-password", account.email)
    body = {"token": token, "newPassword": "a-brand-new-password"}
    reset = lambda: Browser().call("POST", "/api/auth/reset-password", body)  # noqa: E731
    assert requests_of(reset) == ["DeleteItem", "TransactWriteItems"]
    assert (
        through_gateway(
            "GET", "/api/auth/list-sessions", headers={"Authorization": f"Bearer {account.token}"}
        ).status
        == 401
    )


def test_get_session_is_one_request(account: Account) -> None:
    get = lambda: account.bearer_client().call("GET", "/api/auth/get-session")  # noqa: E731
    assert requests_of(get) == ["BatchGetItem"]
