"""Sessions and verifications (AuthTable): expiry enforced on read, precise revocation, tokens work once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest

from spooky.auth.session_tokens import SECRET_LENGTH, SessionToken, new_session_token, parse_session_token
from spooky.clock import utcnow
from spooky.db.batch import read_consistently
from spooky.db.observe import recording
from spooky.db.transactions import write_together
from spooky.errors import NotFound
from spooky.ids import new_id, new_token
from spooky.models.auth import SessionModel
from spooky.repositories import sessions, users, verifications
from tests.support import factories
from tests.support.factories import make_user, store_session

WEEK = timedelta(days=7)


def _open(user_id: str, expires_at: datetime, **client: str) -> SessionToken:
    token = new_session_token(user_id)
    store_session(sessions.new_session_item(token, expires_at, **client))
    return token


def _alive(token: SessionToken) -> bool:
    return factories.get_session_with_user(token) is not None


def test_a_session_is_found_by_its_token_only(local_tables: dict[str, str]) -> None:
    user = make_user()
    token = _open(user.id, utcnow() + WEEK, ip_address="203.0.113.9", user_agent="ua")
    found = factories.get_session_with_user(token)
    assert found is not None
    assert (found.session.id, found.user.id, found.session.ip_address, found.session.user_agent) == (
        token.session_id,
        user.id,
        "203.0.113.9",
        "ua",
    )
    assert not _alive(new_session_token(user.id))
    forged = parse_session_token(token.value[:-SECRET_LENGTH] + new_token(SECRET_LENGTH))
    assert forged is not None
    assert not _alive(forged)
    assert sessions.delete_session(forged) is False
    assert sessions.extend_session(forged, utcnow() + WEEK) is None
    assert _alive(token)


def test_the_token_is_stored_only_as_its_hash(local_tables: dict[str, str]) -> None:
    user = make_user()
    token = _open(user.id, utcnow() + WEEK)
    stored = SessionModel.get(*SessionModel.key(user.id, token.session_id), consistent_read=True)
    assert token.value not in str(stored.serialize())
    assert stored.token_hash == token.hash


def test_an_expired_session_is_refused_before_ttl_removes_it(local_tables: dict[str, str]) -> None:
    user = make_user()
    token = _open(user.id, utcnow() - timedelta(seconds=1))
    assert SessionModel.get(*SessionModel.key(user.id, token.session_id), consistent_read=True) is not None
    assert not _alive(token)
    assert sessions.extend_session(token, utcnow() + WEEK) is None
    assert sessions.list_sessions(user.id) == []


def test_an_active_session_can_be_extended(local_tables: dict[str, str]) -> None:
    user = make_user()
    token = _open(user.id, utcnow() + timedelta(hours=1))
    later = utcnow() + WEEK
    sessions.extend_session(token, later)
    found = factories.get_session_with_user(token)
    assert found is not None
    assert found.session.expires_at == later
    assert found.session.ttl == later.replace(microsecond=0)


@pytest.mark.parametrize("deleted", [False, True])
def test_sessions_are_only_created_for_live_users(local_tables: dict[str, str], deleted: bool) -> None:
    user_id = make_user().id if deleted else new_id()
    if deleted:
        factories.soft_delete_user(user_id)
    token = new_session_token(user_id)
    with pytest.raises(NotFound):
        store_session(sessions.new_session_item(token, utcnow() + WEEK))
    assert not _alive(token)


def test_a_session_of_a_deleted_user_is_refused_in_the_same_request(local_tables: dict[str, str]) -> None:
    user = make_user()
    token = _open(user.id, utcnow() + WEEK)
    factories.soft_delete_user(user.id)  # the session item itself is still there

    with recording() as seen:
        assert factories.get_session_with_user(token) is None
    assert [observation.operation for observation in seen] == ["BatchGetItem"]


def test_a_session_is_not_opened_once_the_verified_password_changed(local_tables: dict[str, str]) -> None:
    user = make_user()
    token = new_session_token(user.id)
    with pytest.raises(NotFound):
        write_together(
            users.credential_unchanged(user.id, "a hash that is not the current one"),
            sessions.opening(sessions.new_session_item(token, utcnow() + WEEK)),
        )
    assert not _alive(token)


def test_a_session_read_before_a_revocation_is_not_opened_after_it(local_tables: dict[str, str]) -> None:
    user = make_user()
    epoch = sessions.epoch_in(read_consistently(sessions.epoch_key(user.id)), user.id)
    sessions.revoke_all(user.id)  # lands between a sign-in's read and its write
    token = new_session_token(user.id)

    with pytest.raises(sessions.SessionsRevoked):
        write_together(
            sessions.epoch_unchanged(user.id, sessions.EpochRead(epoch)),
            sessions.opening(sessions.new_session_item(token, utcnow() + WEEK, epoch=epoch)),
        )
    assert not _alive(token)


def test_revoking_every_session_is_one_write_at_any_count(local_tables: dict[str, str]) -> None:
    user = make_user()
    tokens = [_open(user.id, utcnow() + WEEK) for _ in range(30)]

    with recording() as seen:
        sessions.revoke_all(user.id)

    assert [observation.operation for observation in seen] == ["TransactWriteItems"]
    assert not any(_alive(token) for token in tokens)
    assert sessions.list_sessions(user.id) == []
    after = _open(user.id, utcnow() + WEEK)  # a session opened after the revocation lives
    assert _alive(after)
    assert [session.id for session in sessions.list_sessions(user.id)] == [after.session_id]


def test_a_users_sessions_are_listed_oldest_first(local_tables: dict[str, str]) -> None:
    user, other = make_user(), make_user()
    created = [_open(user.id, utcnow() + WEEK) for _ in range(3)]
    _open(other.id, utcnow() + WEEK)
    assert [session.id for session in sessions.list_sessions(user.id)] == [t.session_id for t in created]


def test_revoking_all_sessions_keeps_the_named_one(local_tables: dict[str, str]) -> None:
    user, other = make_user(), make_user()
    tokens = [_open(user.id, utcnow() + WEEK) for _ in range(4)]
    other_token = _open(other.id, utcnow() + WEEK)

    sessions.revoke_others(user.id, tokens[1].session_id)

    assert [_alive(token) for token in tokens] == [False, True, False, False]
    assert _alive(other_token)
    assert [session.id for session in sessions.list_sessions(user.id)] == [tokens[1].session_id]


def test_revoking_one_session_reports_whether_it_existed(local_tables: dict[str, str]) -> None:
    user = make_user()
    token = _open(user.id, utcnow() + WEEK)
    assert sessions.delete_session(token) is True
    assert sessions.delete_session(token) is False
    assert not _alive(token)
    by_id = _open(user.id, utcnow() + WEEK)
    assert sessions.delete_user_session(user.id, by_id.session_id) is True
    assert sessions.delete_user_session(user.id, by_id.session_id) is False


def test_a_verification_value_is_consumed_once(local_tables: dict[str, str]) -> None:
    identifier = f"email-verification:{new_token()}"
    factories.create_verification(identifier, "user-123", utcnow() + timedelta(hours=1))
    spent = verifications.consume_verification(identifier)
    assert spent is not None
    assert spent.value == "user-123"
    assert verifications.consume_verification(identifier) is None


def test_concurrent_consumers_of_one_verification_get_one_value(local_tables: dict[str, str]) -> None:
    consumers = 8
    identifier = f"reset-password:{new_token()}"
    factories.create_verification(f"warm-up:{new_token()}", "x", utcnow() + timedelta(hours=1))
    factories.create_verification(identifier, "user-456", utcnow() + timedelta(hours=1))
    start = threading.Barrier(consumers)

    def consume(_: int) -> str | None:
        start.wait()
        spent = verifications.consume_verification(identifier)
        return spent.value if spent else None

    with ThreadPoolExecutor(max_workers=consumers) as pool:
        values = list(pool.map(consume, range(consumers)))
    assert [value for value in values if value is not None] == ["user-456"]
    assert values.count(None) == consumers - 1


def test_an_expired_verification_is_refused(local_tables: dict[str, str]) -> None:
    identifier = f"email-verification:{new_token()}"
    factories.create_verification(identifier, "user-789", utcnow() - timedelta(seconds=1))
    assert verifications.consume_verification(identifier) is None


def test_every_session_listing_is_strongly_consistent(local_tables: dict[str, str]) -> None:
    # DynamoDB Local shows no replication lag, so the guarantee is checked on the requests themselves:
    # a revocation that read an index (or an eventually consistent page) could miss a new session.
    user = make_user()
    _open(user.id, utcnow() + WEEK)
    sent: list[dict[str, object]] = []

    def capture(params: dict[str, object], **_: object) -> None:
        sent.append(params)

    events = SessionModel._get_connection().connection.client.meta.events
    events.register("provide-client-params.dynamodb.Query", capture)
    try:
        sessions.list_sessions(user.id)
        sessions.delete_collection(user.id)
    finally:
        events.unregister("provide-client-params.dynamodb.Query", capture)
    assert len(sent) == 2
    assert all(params["ConsistentRead"] is True and "IndexName" not in params for params in sent)
