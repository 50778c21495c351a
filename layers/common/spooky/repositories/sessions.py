"""Sessions (AuthTable), keyed by the SHA-256 of their token; TTL removes them after expiry."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DeleteError, DoesNotExist, UpdateError

from spooky.clock import utcnow
from spooky.db.batch import batch_write
from spooky.db.errors import is_condition_failure
from spooky.db.transactions import Transaction, TransactionCancelled, run_transaction
from spooky.errors import NotFound
from spooky.ids import new_id
from spooky.models import keys
from spooky.models.app import UserModel
from spooky.models.auth import SessionModel
from spooky.repositories._query import query_once
from spooky.repositories.users import live_user_condition
from spooky.request_context import stamp, stamp_actions

# A user has at most this many sessions listed or revoked per request (Better Auth has no cap;
# one Query page of small items stays a single request).
MAX_SESSIONS_PER_USER = 200


def _is_active(session: SessionModel, now: datetime) -> bool:
    return session.expires_at > now


def create_session(
    user_id: str,
    token: str,
    expires_at: datetime,
    *,
    ip_address: str | None = None,
    user_agent: str | None = None,
) -> SessionModel:
    """Store a new session for a live user (the check and the write are one transaction)."""
    now = utcnow()
    session_id = new_id()
    session = SessionModel(
        keys.session_pk(token),
        keys.SESSION_SK,
        id=session_id,
        user_id=user_id,
        expires_at=expires_at,
        ip_address=ip_address,
        user_agent=user_agent,
        created_at=now,
        updated_at=now,
        ttl=expires_at,
        gsi1pk=keys.user_pk(user_id),
        gsi1sk=keys.user_sessions_sk(now, session_id),
    )
    stamp(session)

    def build(tx: Transaction) -> None:
        tx.check("user", UserModel, *UserModel.key(user_id), condition=live_user_condition())
        tx.put("session", session, condition=SessionModel.pk.does_not_exist())

    try:
        run_transaction(build)
    except TransactionCancelled as cancelled:
        if cancelled.failed("user"):
            raise NotFound("User not found") from None
        raise
    return session


def get_session(token: str) -> SessionModel | None:
    """The active session for ``token``: expired ones are refused before TTL deletes them."""
    try:
        session = SessionModel.get(keys.session_pk(token), keys.SESSION_SK, consistent_read=True)
    except DoesNotExist:
        return None
    return session if _is_active(session, utcnow()) else None


def extend_session(token: str, expires_at: datetime) -> SessionModel | None:
    """Move the expiry of an existing, unexpired session (Better Auth's daily refresh)."""
    session = SessionModel(keys.session_pk(token), keys.SESSION_SK)
    now = utcnow()
    try:
        session.update(
            [
                SessionModel.expires_at.set(expires_at),
                SessionModel.ttl.set(expires_at),
                SessionModel.updated_at.set(now),
                *stamp_actions(),
            ],
            condition=SessionModel.pk.exists() & (SessionModel.expires_at > now),
        )
    except UpdateError as error:
        if is_condition_failure(error):
            return None
        raise
    return session


def _user_sessions(user_id: str) -> list[SessionModel]:
    """Every session item of the user, expired ones included, oldest first (one Query of UserSessions,
    an index: eventually consistent)."""
    page = query_once(
        SessionModel,
        keys.user_pk(user_id),
        index_name="UserSessions",
        limit=MAX_SESSIONS_PER_USER,
        newest_first=False,
    )
    return [SessionModel.from_raw_data(raw) for raw in page.items]


def list_sessions(user_id: str) -> list[SessionModel]:
    """The user's active sessions, oldest first."""
    now = utcnow()
    return [session for session in _user_sessions(user_id) if _is_active(session, now)]


def delete_session(token: str) -> bool:
    """Revoke the session of ``token``; False when there was none."""
    try:
        SessionModel(keys.session_pk(token), keys.SESSION_SK).delete(condition=SessionModel.pk.exists())
    except DeleteError as error:
        if is_condition_failure(error):
            return False
        raise
    return True


def delete_sessions(user_id: str, keep_session_id: str | None = None) -> int:
    """Revoke every session of the user (but ``keep_session_id``); returns how many were revoked."""
    doomed = [session for session in _user_sessions(user_id) if session.id != keep_session_id]
    if doomed:
        batch_write(SessionModel, deletes=doomed)
    return len(doomed)


def find_user_session(user_id: str, session_id: str) -> SessionModel:
    for session in list_sessions(user_id):
        if session.id == session_id:
            return session
    raise NotFound("Session not found")


def delete_session_item(session: SessionModel) -> None:
    batch_write(SessionModel, deletes=[session])
