"""Revocation against requests already past the authorizer, and what a race answers (adversarial review).

Each test interleaves two requests by hand: the authorizer's check, then a revocation landing, then
the first request's own writes. A revoked session must stay dead; a race is a 4xx naming the race,
never a 429 that no limit caused.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import botocore.client
import pytest
from botocore.exceptions import ClientError

from spooky.auth.session_tokens import parse_session_token
from spooky.clock import utcnow
from spooky.errors import Conflict, TooManyRequests
from spooky.ids import new_id, new_token
from spooky.models.auth import SessionModel
from spooky.repositories import sessions as session_repository
from spooky.repositories.sessions import SessionsRevoked
from spooky.schemas.auth.credentials import SignUpBody
from spooky.services.auth import credentials
from spooky.services.auth import sessions as session_service
from spooky.services.auth.sessions import Client, authenticate
from tests.support import factories
from tests.support.accounts import PASSWORD, new_email, sign_in, sign_up
from tests.support.client import Browser

_real_call = botocore.client.BaseClient._make_api_call


def _account() -> tuple[str, str]:
    email = f"race-{new_id().lower()}@example.com"
    body = SignUpBody.model_validate({"name": "Casper", "email": email, "password": PASSWORD})
    up = credentials.sign_up(body, client=Client("198.51.100.1"), api_base_url="https://api.example")
    return email, up.body.user.id


def _sign_in(email: str) -> str:
    return credentials.sign_in(email, PASSWORD, remember=True, client=Client("198.51.100.2")).session.token


def _reset_password(user_id: str) -> None:
    token = new_token()
    factories.create_verification(f"reset-password:{token}", user_id, utcnow() + timedelta(hours=1))
    credentials.reset_password(token, "a-brand-new-password", ip_address="198.51.100.1")


def test_revoke_other_sessions_in_flight_cannot_bring_back_a_session_a_reset_revoked(
    local_tables: dict[str, str],
) -> None:
    email, user_id = _account()
    thief_token = _sign_in(email)
    thief = parse_session_token(thief_token)
    assert thief is not None
    assert authenticate(thief_token) is not None  # the thief's request passes the authorizer
    _reset_password(user_id)  # then the owner's reset lands
    assert authenticate(thief_token) is None

    with pytest.raises(SessionsRevoked):  # then the thief's Lambda runs
        session_service.revoke_other_sessions(user_id, thief.session_id)
    assert authenticate(thief_token) is None


@pytest.mark.parametrize("revoke", [False, True])
def test_change_password_in_flight_fails_once_its_session_was_revoked(
    local_tables: dict[str, str], revoke: bool
) -> None:
    email, user_id = _account()
    token = parse_session_token(_sign_in(email))
    assert token is not None
    session_repository.revoke_all(user_id)  # lands after the authorizer admitted the request

    with pytest.raises(SessionsRevoked):
        credentials.change_password(
            user_id,
            token.session_id,
            PASSWORD,
            "another-password-1",
            revoke_other_sessions=revoke,
            client=Client(),
        )
    assert _sign_in(email)  # the password did not change


def test_a_sign_in_racing_a_revocation_is_a_conflict_not_a_rate_limit(
    local_tables: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    email, user_id = _account()
    real = credentials.verify_password

    def verify_then_revocation_lands(stored: Any, password: str) -> Any:
        result = real(stored, password)
        session_repository.revoke_all(user_id)  # revoke-sessions from another device, mid sign-in
        return result

    monkeypatch.setattr(credentials, "verify_password", verify_then_revocation_lands)
    with pytest.raises(Conflict) as raised:
        _sign_in(email)
    assert not isinstance(raised.value, TooManyRequests)


def test_contention_on_other_items_than_the_counters_is_not_a_rate_limit(
    local_tables: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    email, _ = _account()

    def conflicting(client: Any, operation: str, params: dict[str, Any]) -> Any:
        items = params.get("TransactItems", [])
        if operation == "TransactWriteItems" and any("ConditionCheck" in item for item in items):
            # The sign-in transaction: its first item (a check of the profile) keeps conflicting.
            reasons = [{"Code": "TransactionConflict"}] + [{"Code": "None"}] * (len(items) - 1)
            raise ClientError(
                {
                    "Error": {"Code": "TransactionCanceledException", "Message": "injected"},
                    "CancellationReasons": reasons,
                    "ResponseMetadata": {"HTTPStatusCode": 400},
                },
                operation,
            )
        return _real_call(client, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", conflicting)
    monkeypatch.setattr("spooky.db.transactions.BASE_DELAY_SECONDS", 0.001)
    with pytest.raises(Conflict) as raised:
        _sign_in(email)
    assert not isinstance(raised.value, TooManyRequests)


def test_change_password_keeps_a_short_session_short(local_tables: dict[str, str]) -> None:
    email = new_email()
    assert sign_up(Browser(), email).status == 200
    short = sign_in(Browser(origin=None), email, rememberMe=False)
    bearer = Browser(origin=None, bearer=short.body["token"])  # no dont_remember cookie to go by
    body = {"currentPassword": PASSWORD, "newPassword": "another-password-1", "revokeOtherSessions": True}

    reply = bearer.call("POST", "/api/auth/change-password", body)

    assert reply.status == 200, reply.body
    token = parse_session_token(reply.body["token"])
    assert token is not None
    item = SessionModel.get(*SessionModel.key(token.user_id, token.session_id), consistent_read=True)
    assert item.remember is False
    assert item.expires_at < utcnow() + timedelta(days=1, minutes=1)
