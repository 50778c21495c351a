"""Sessions (AuthTable): one item collection per user, pk=USER#<userId>, sk=SESSION#<sessionId>.

Every read that decides "is this session alive" is strongly consistent, and every listing pages to
the end: revocation covers all of a user's sessions, however many, including one created a
millisecond earlier (it was written before its creator got an answer). TTL removes expired items.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import DeleteError, DoesNotExist, UpdateError

from spooky.auth.session_tokens import SessionToken
from spooky.clock import utcnow
from spooky.db.batch import batch_write, get_items_consistently
from spooky.db.errors import is_condition_failure
from spooky.db.transactions import Transaction, run_transaction
from spooky.errors import NotFound
from spooky.models import keys
from spooky.models.app import UserModel
from spooky.models.auth import SessionModel
from spooky.repositories._query import query_once
from spooky.repositories.users import credential_check, is_live, live_user_condition
from spooky.request_context import stamp, stamp_actions

# Items per Query page; pages follow until the collection ends.
PAGE_SIZE = 500


@dataclass(frozen=True)
class SessionWithUser:
    token: SessionToken
    session: SessionModel
    user: UserModel


def _is_active(session: SessionModel, now: datetime) -> bool:
    return session.expires_at > now


def new_session_item(
    token: SessionToken,
    expires_at: datetime,
    *,
    remember: bool = True,
    ip_address: str | None = None,
    user_agent: str | None = None,
) -> SessionModel:
    now = utcnow()
    session = SessionModel(
        *SessionModel.key(token.user_id, token.session_id),
        id=token.session_id,
        user_id=token.user_id,
        token_hash=token.hash,
        expires_at=expires_at,
        remember=remember,
        ip_address=ip_address,
        user_agent=user_agent,
        created_at=now,
        updated_at=now,
        ttl=expires_at,
    )
    return stamp(session)


def create_session(session: SessionModel, *, password_hash: str | None = None) -> SessionModel:
    """Store a new session (``new_session_item``) for a live user: the check and the write are one
    transaction.

    With ``password_hash`` (the hash a sign-in just verified) the session is only written while that
    is still the user's password: a sign-in racing a password reset or change cannot outlive it.
    """

    def build(tx: Transaction) -> None:
        tx.check("user", UserModel, *UserModel.key(session.user_id), condition=live_user_condition())
        if password_hash is not None:
            tx.check("credential", *credential_check(session.user_id, password_hash))
        tx.put("session", session, condition=SessionModel.pk.does_not_exist())

    gone = NotFound("User not found")
    run_transaction(build, on_failed={"user": gone, "credential": gone})
    return session


def get_session_with_user(token: SessionToken) -> SessionWithUser | None:
    """The active session of ``token`` and its live user: ONE strongly consistent BatchGetItem.

    None when the session is missing, revoked, expired (before TTL removes it), presented with the
    wrong secret, or its user is deleted.
    """
    session, user = get_items_consistently(
        [
            (SessionModel, SessionModel.key(token.user_id, token.session_id)),
            (UserModel, UserModel.key(token.user_id)),
        ]
    )
    if not isinstance(session, SessionModel) or not isinstance(user, UserModel):
        return None
    if not (token.matches(session.token_hash) and _is_active(session, utcnow()) and is_live(user)):
        return None
    return SessionWithUser(token, session, user)


def get_session(user_id: str, session_id: str) -> SessionModel | None:
    """One of the user's active sessions by id (strongly consistent)."""
    try:
        session = SessionModel.get(*SessionModel.key(user_id, session_id), consistent_read=True)
    except DoesNotExist:
        return None
    return session if _is_active(session, utcnow()) else None


def extend_session(token: SessionToken, expires_at: datetime) -> SessionModel | None:
    """Move the expiry of an existing, unexpired session (Better Auth's daily refresh)."""
    session = SessionModel(*SessionModel.key(token.user_id, token.session_id))
    now = utcnow()
    try:
        session.update(
            [
                SessionModel.expires_at.set(expires_at),
                SessionModel.ttl.set(expires_at),
                SessionModel.updated_at.set(now),
                *stamp_actions(),
            ],
            condition=(SessionModel.token_hash == token.hash) & (SessionModel.expires_at > now),
        )
    except UpdateError as error:
        if is_condition_failure(error):
            return None
        raise
    return session


def _all_sessions(user_id: str) -> Iterator[SessionModel]:
    """Every session item of the user, expired ones included, oldest first: a strongly consistent
    Query of the user's collection, followed page by page to its end."""
    start = None
    while True:
        page = query_once(
            SessionModel,
            keys.user_pk(user_id),
            SessionModel.sk.startswith(keys.SESSION_PREFIX),
            limit=PAGE_SIZE,
            newest_first=False,
            exclusive_start_key=start,
            consistent_read=True,
        )
        yield from (SessionModel.from_raw_data(raw) for raw in page.items)
        if page.last_evaluated_key is None:
            return
        start = page.last_evaluated_key


def list_sessions(user_id: str) -> list[SessionModel]:
    """The user's active sessions, oldest first, all of them."""
    now = utcnow()
    return [session for session in _all_sessions(user_id) if _is_active(session, now)]


def delete_session(token: SessionToken) -> bool:
    """Revoke the session of ``token`` (only with its secret); False when there was none."""
    return _delete(SessionModel(*SessionModel.key(token.user_id, token.session_id)), token.hash)


def delete_user_session(user_id: str, session_id: str) -> bool:
    """Revoke one of the user's sessions by id; False when there was none."""
    return _delete(SessionModel(*SessionModel.key(user_id, session_id)), None)


def _delete(session: SessionModel, token_hash: str | None) -> bool:
    condition = SessionModel.pk.exists()
    if token_hash is not None:
        condition &= SessionModel.token_hash == token_hash
    try:
        session.delete(condition=condition)
    except DeleteError as error:
        if is_condition_failure(error):
            return False
        raise
    return True


def delete_sessions(user_id: str, keep_session_id: str | None = None) -> int:
    """Revoke every session of the user (but ``keep_session_id``); returns how many were revoked."""
    doomed = [session for session in _all_sessions(user_id) if session.id != keep_session_id]
    if doomed:
        batch_write(SessionModel, deletes=doomed)
    return len(doomed)
