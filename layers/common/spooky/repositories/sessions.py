"""Sessions (AuthTable): one item collection per user, pk=USER#<userId>, sk=SESSION#<sessionId>, with
the user's session epoch (sk=SESSION) at its head.

A session is alive while it is unexpired, its user is live, and its ``epoch`` is the user's current
one. Revoking every session of a user, at any count, is therefore ONE write of a new epoch (alone, or
as a part of the transaction that changes the password or deletes the user); the dead items expire by
TTL. Every read that decides "is this session alive" is strongly consistent: the authorizer's one
BatchGetItem reads the session, the user and the epoch together, and list-sessions' Query reads the
epoch with the sessions.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any, NamedTuple

from pynamodb.exceptions import DeleteError, UpdateError
from pynamodb.expressions.condition import Condition

from spooky.auth.session_tokens import SessionToken
from spooky.clock import utcnow
from spooky.db.batch import ItemKey, Items, batch_write, read_consistently
from spooky.db.errors import is_condition_failure
from spooky.db.transactions import Part, Transaction, write_together
from spooky.errors import Unauthorized
from spooky.ids import new_id
from spooky.models import keys
from spooky.models.app import UserModel
from spooky.models.auth import SessionEpochModel, SessionModel, expiring
from spooky.repositories._query import query_once
from spooky.repositories.users import live_user_in, profile_key
from spooky.request_context import stamp, stamp_actions

# Items per Query page; pages follow until the collection ends.
PAGE_SIZE = 500


class SessionsRevoked(Unauthorized):
    """The user's sessions were revoked since the epoch was read: the caller's session is dead, or a
    session about to be opened would be."""

    def __init__(self) -> None:
        super().__init__("The session was revoked; sign in again")


class EpochRead(NamedTuple):
    """The user's session epoch as a request read it (``value`` None: never revoked), so that its
    writes can be conditioned on it not having moved since."""

    value: str | None


class SessionWithUser(NamedTuple):
    token: SessionToken
    session: SessionModel
    user: UserModel


def _is_active(session: SessionModel, now: datetime) -> bool:
    return session.expires_at > now


def session_key(user_id: str, session_id: str) -> ItemKey[SessionModel]:
    return ItemKey(SessionModel, *SessionModel.key(user_id, session_id))


def epoch_key(user_id: str) -> ItemKey[SessionEpochModel]:
    return ItemKey(SessionEpochModel, *SessionEpochModel.key(user_id))


def epoch_in(items: Items, user_id: str) -> str | None:
    """The user's current session epoch, read with ``epoch_key`` (None: never revoked)."""
    item = items.get(epoch_key(user_id))
    return item.epoch if item else None


def is_alive(session: SessionModel, epoch: str | None, now: datetime) -> bool:
    return _is_active(session, now) and session.epoch == epoch


def new_session_item(
    token: SessionToken,
    expires_at: datetime,
    *,
    epoch: str | None = None,
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
        epoch=epoch,
        remember=remember,
        ip_address=ip_address,
        user_agent=user_agent,
        **expiring(now, expires_at),
    )
    return stamp(session)


def opening(session: SessionModel) -> Part:
    """A transaction part storing a new session (``new_session_item``)."""

    def build(tx: Transaction) -> None:
        tx.put("session", session, condition=SessionModel.pk.does_not_exist())

    return Part(build)


def _epoch_is(seen: EpochRead) -> Condition:
    condition: Condition = (
        SessionEpochModel.pk.does_not_exist() if seen.value is None else SessionEpochModel.epoch == seen.value
    )
    return condition


def epoch_unchanged(user_id: str, seen: EpochRead) -> Part:
    """A transaction part: the user's sessions were not revoked since ``seen`` was read (else
    SessionsRevoked), so a session opened in it is not born dead."""

    def build(tx: Transaction) -> None:
        key = epoch_key(user_id)
        tx.check("epoch", SessionEpochModel, key.hash_key, key.range_key, condition=_epoch_is(seen))

    return Part(build, {"epoch": SessionsRevoked()})


def revocation(
    user_id: str, *, seen: EpochRead | None = None, keep_session_id: str | None = None
) -> tuple[str, Part]:
    """A transaction part revoking every session of the user, and the new epoch (for a session opened
    in the same transaction).

    With ``seen`` (the epoch the caller's session was checked in) it applies only while that is still
    the epoch, else SessionsRevoked: a request whose own session was revoked meanwhile revokes nothing
    more, and cannot move that session into the new epoch. ``keep_session_id`` is moved to the new
    epoch (revoke-other-sessions); it needs ``seen``.
    """
    epoch, now = new_id(), utcnow()
    condition = _epoch_is(seen) if seen is not None else None

    def build(tx: Transaction) -> None:
        item = SessionEpochModel(*SessionEpochModel.key(user_id))
        actions = [SessionEpochModel.epoch.set(epoch), SessionEpochModel.updated_at.set(now)]
        tx.update("epoch", item, [*actions, *stamp_actions()], condition=condition)
        if keep_session_id is not None:
            kept = SessionModel(*SessionModel.key(user_id, keep_session_id))
            moved = [SessionModel.epoch.set(epoch), SessionModel.updated_at.set(now), *stamp_actions()]
            tx.update("kept", kept, moved, condition=SessionModel.expires_at > now)

    return epoch, Part(build, {"epoch": SessionsRevoked(), "kept": SessionsRevoked()})


def caller_session(
    user_id: str, session_id: str, *also: ItemKey[Any]
) -> tuple[SessionModel, EpochRead, Items]:
    """The caller's session (the authorizer admitted it) and the epoch it lives in, read again with
    ``also`` in one strongly consistent BatchGetItem; SessionsRevoked if it died since."""
    items = read_consistently(session_key(user_id, session_id), epoch_key(user_id), *also)
    session = items.get(session_key(user_id, session_id))
    seen = EpochRead(epoch_in(items, user_id))
    if session is None or not is_alive(session, seen.value, utcnow()):
        raise SessionsRevoked()
    return session, seen, items


def revoke_all(user_id: str) -> None:
    """Revoke every session of the user: ONE write at any count."""
    _, part = revocation(user_id)
    write_together(part)


def revoke_others(user_id: str, session_id: str) -> None:
    """Revoke every session of the user but the caller's, which moves to the new epoch: one read of the
    caller's session and epoch, then one transaction conditioned on that epoch."""
    _, seen, _ = caller_session(user_id, session_id)
    _, part = revocation(user_id, seen=seen, keep_session_id=session_id)
    write_together(part)


def session_keys(token: SessionToken) -> list[ItemKey[Any]]:
    """What decides whether ``token``'s session is alive: the session, its user and their epoch."""
    user_id = token.user_id
    return [session_key(user_id, token.session_id), profile_key(user_id), epoch_key(user_id)]


def session_in(items: Items, token: SessionToken) -> SessionWithUser | None:
    """The live session of ``token`` and its live user, from ``items`` read (strongly consistent)
    with ``session_keys``.

    None when the session is missing, revoked, expired (before TTL removes it), presented with the
    wrong secret, or its user is deleted.
    """
    session = items.get(session_key(token.user_id, token.session_id))
    user = live_user_in(items, token.user_id)
    if session is None or user is None or not token.matches(session.token_hash):
        return None
    if not is_alive(session, epoch_in(items, token.user_id), utcnow()):
        return None
    return SessionWithUser(token, session, user)


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


def _collection(user_id: str) -> Iterator[dict[str, Any]]:
    """The user's epoch item then every session item (revoked and expired ones included), oldest
    first: a strongly consistent Query of the collection, followed page by page to its end."""
    start = None
    while True:
        page = query_once(
            SessionModel,
            keys.user_pk(user_id),
            SessionModel.sk.startswith(keys.SESSION_EPOCH_SK),
            limit=PAGE_SIZE,
            newest_first=False,
            exclusive_start_key=start,
            consistent_read=True,
        )
        yield from page.items
        if page.last_evaluated_key is None:
            return
        start = page.last_evaluated_key


def list_sessions(user_id: str) -> list[SessionModel]:
    """The user's live sessions, oldest first, all of them."""
    now, epoch, alive = utcnow(), None, []
    for raw in _collection(user_id):
        if raw["sk"]["S"] == keys.SESSION_EPOCH_SK:
            epoch = SessionEpochModel.from_raw_data(raw).epoch
            continue
        session = SessionModel.from_raw_data(raw)
        if is_alive(session, epoch, now):
            alive.append(session)
    return alive


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


def delete_collection(user_id: str) -> int:
    """Delete every session item of the user and the epoch (the retention purge); returns how many
    session items there were."""
    raws = list(_collection(user_id))
    if raws:
        batch_write(SessionModel, deletes=[SessionModel(raw["pk"]["S"], raw["sk"]["S"]) for raw in raws])
    return sum(1 for raw in raws if raw["sk"]["S"] != keys.SESSION_EPOCH_SK)
