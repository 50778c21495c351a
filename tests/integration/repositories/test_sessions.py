"""Sessions and verifications (AuthTable): expiry enforced on read, precise revocation, tokens work once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from spooky.clock import utcnow
from spooky.errors import NotFound
from spooky.ids import new_id, new_token
from spooky.models import keys
from spooky.models.auth import SessionModel
from spooky.repositories import sessions, verifications
from spooky.repositories.users import soft_delete_user
from tests.integration.repositories.factories import make_user

WEEK = timedelta(days=7)


def test_a_session_is_found_by_its_token_only(local_tables: dict[str, str]) -> None:
    user = make_user()
    token = new_token()
    created = sessions.create_session(
        user.id, token, utcnow() + WEEK, ip_address="203.0.113.9", user_agent="ua"
    )
    found = sessions.get_session(token)
    assert found is not None
    assert (found.id, found.user_id, found.ip_address, found.user_agent) == (
        created.id,
        user.id,
        "203.0.113.9",
        "ua",
    )
    assert sessions.get_session(new_token()) is None


def test_the_token_is_stored_only_as_its_hash(local_tables: dict[str, str]) -> None:
    user = make_user()
    token = new_token()
    sessions.create_session(user.id, token, utcnow() + WEEK)
    stored = SessionModel.get(keys.session_pk(token), keys.SESSION_SK, consistent_read=True)
    assert token not in str(stored.serialize())


def test_an_expired_session_is_refused_before_ttl_removes_it(local_tables: dict[str, str]) -> None:
    user = make_user()
    token = new_token()
    sessions.create_session(user.id, token, utcnow() - timedelta(seconds=1))
    assert SessionModel.get(keys.session_pk(token), keys.SESSION_SK, consistent_read=True) is not None
    assert sessions.get_session(token) is None
    assert sessions.extend_session(token, utcnow() + WEEK) is None
    assert sessions.list_sessions(user.id) == []


def test_an_active_session_can_be_extended(local_tables: dict[str, str]) -> None:
    user = make_user()
    token = new_token()
    sessions.create_session(user.id, token, utcnow() + timedelta(hours=1))
    later = utcnow() + WEEK
    sessions.extend_session(token, later)
    found = sessions.get_session(token)
    assert found is not None
    assert found.expires_at == later
    assert found.ttl == later.replace(microsecond=0)


@pytest.mark.parametrize("deleted", [False, True])
def test_sessions_are_only_created_for_live_users(local_tables: dict[str, str], deleted: bool) -> None:
    user_id = make_user().id if deleted else new_id()
    if deleted:
        soft_delete_user(user_id)
    token = new_token()
    with pytest.raises(NotFound):
        sessions.create_session(user_id, token, utcnow() + WEEK)
    assert sessions.get_session(token) is None


def test_a_users_sessions_are_listed_oldest_first(local_tables: dict[str, str]) -> None:
    user, other = make_user(), make_user()
    created = [sessions.create_session(user.id, new_token(), utcnow() + WEEK) for _ in range(3)]
    sessions.create_session(other.id, new_token(), utcnow() + WEEK)
    assert [session.id for session in sessions.list_sessions(user.id)] == [session.id for session in created]


def test_revoking_all_sessions_keeps_the_named_one(local_tables: dict[str, str]) -> None:
    user, other = make_user(), make_user()
    tokens = [new_token() for _ in range(4)]
    created = [sessions.create_session(user.id, token, utcnow() + WEEK) for token in tokens]
    other_token = new_token()
    sessions.create_session(other.id, other_token, utcnow() + WEEK)

    assert sessions.delete_sessions(user.id, keep_session_id=created[1].id) == 3

    assert [sessions.get_session(token) is not None for token in tokens] == [False, True, False, False]
    assert sessions.get_session(other_token) is not None
    assert [session.id for session in sessions.list_sessions(user.id)] == [created[1].id]


def test_revoking_one_session_reports_whether_it_existed(local_tables: dict[str, str]) -> None:
    user = make_user()
    token = new_token()
    sessions.create_session(user.id, token, utcnow() + WEEK)
    assert sessions.delete_session(token) is True
    assert sessions.delete_session(token) is False
    assert sessions.get_session(token) is None


def test_a_verification_value_is_consumed_once(local_tables: dict[str, str]) -> None:
    identifier = f"email-verification:{new_token()}"
    verifications.create_verification(identifier, "user-123", utcnow() + timedelta(hours=1))
    assert verifications.consume_verification(identifier) == "user-123"
    assert verifications.consume_verification(identifier) is None


def test_concurrent_consumers_of_one_verification_get_one_value(local_tables: dict[str, str]) -> None:
    consumers = 8
    identifier = f"reset-password:{new_token()}"
    verifications.create_verification(f"warm-up:{new_token()}", "x", utcnow() + timedelta(hours=1))
    verifications.create_verification(identifier, "user-456", utcnow() + timedelta(hours=1))
    start = threading.Barrier(consumers)

    def consume(_: int) -> str | None:
        start.wait()
        return verifications.consume_verification(identifier)

    with ThreadPoolExecutor(max_workers=consumers) as pool:
        values = list(pool.map(consume, range(consumers)))
    assert [value for value in values if value is not None] == ["user-456"]
    assert values.count(None) == consumers - 1


def test_an_expired_verification_is_refused(local_tables: dict[str, str]) -> None:
    identifier = f"email-verification:{new_token()}"
    verifications.create_verification(identifier, "user-789", utcnow() - timedelta(seconds=1))
    assert verifications.consume_verification(identifier) is None
