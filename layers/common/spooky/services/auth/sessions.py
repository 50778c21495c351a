"""Sessions: 256-bit tokens stored only as their SHA-256; 7 days (1 without rememberMe), refreshed daily."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from spooky.auth import errors
from spooky.auth.session_tokens import new_session_token, parse_session_token
from spooky.clock import utcnow
from spooky.db.batch import ItemKey, Items, read_consistently
from spooky.ids import is_ulid
from spooky.models.app import UserModel
from spooky.models.auth import SessionModel
from spooky.repositories import sessions as session_repository
from spooky.repositories.sessions import SessionWithUser

# The authorizer imports this module for authenticate(), and loads no pydantic at all (test_layering):
# the answers' schemas and their mapping are imported by the functions that build them.
if TYPE_CHECKING:
    from spooky.schemas.auth.sessions import SessionAndUser, SessionOut

# Better Auth's defaults: expiresIn 7 days, updateAge 1 day, freshAge 1 day; rememberMe: false lasts 1 day.
SESSION_LIFETIME = timedelta(days=7)
SHORT_SESSION_LIFETIME = timedelta(days=1)
REFRESH_AFTER = timedelta(days=1)
FRESH_AGE = timedelta(days=1)


class Client(NamedTuple):
    """Who opened a session, as shown by list-sessions."""

    ip_address: str | None = None
    user_agent: str | None = None


class StartedSession(NamedTuple):
    token: str
    session: SessionModel
    remember: bool

    @property
    def max_age_seconds(self) -> int | None:
        """Cookie lifetime: None (a browser-session cookie) when the user asked not to be remembered."""
        return int(SESSION_LIFETIME.total_seconds()) if self.remember else None


class CurrentSession(NamedTuple):
    token: str
    session: SessionModel
    user: UserModel
    # Set when this request moved the expiry (the cookie must be re-issued with the new lifetime).
    refreshed: bool

    @property
    def max_age_seconds(self) -> int:
        return max(0, int((self.session.expires_at - utcnow()).total_seconds()))


def new_session(
    user_id: str, *, remember: bool = True, client: Client | None = None, epoch: str | None = None
) -> StartedSession:
    """A session to open in ``epoch`` (the user's current one, or the one a revocation writes); it is
    stored by the transaction ``session_repository.opening(started.session)`` is part of."""
    client = client or Client()
    token = new_session_token(user_id)
    lifetime = SESSION_LIFETIME if remember else SHORT_SESSION_LIFETIME
    item = session_repository.new_session_item(
        token,
        utcnow() + lifetime,
        epoch=epoch,
        remember=remember,
        ip_address=client.ip_address,
        user_agent=client.user_agent,
    )
    return StartedSession(token=token.value, session=item, remember=remember)


class Authenticated(NamedTuple):
    """``signed_in``: the live session presented, if any; ``items``: what was read along with it."""

    signed_in: SessionWithUser | None
    items: Items


def authenticate_with(token: str | None, also: Sequence[ItemKey[Any]] = ()) -> Authenticated:
    """``authenticate``, reading ``also`` in the same BatchGetItem (a public endpoint that needs the
    caller's session and something else makes one read)."""
    parsed = parse_session_token(token) if token else None
    wanted = [*(session_repository.session_keys(parsed) if parsed else []), *also]
    items = read_consistently(*wanted) if wanted else Items({})
    found = session_repository.session_in(items, parsed) if parsed else None
    return Authenticated(found, items)


def authenticate(token: str | None) -> SessionWithUser | None:
    """The live session a request presents and its live user, or None (no token, revoked, expired,
    user deleted).

    The one check every path uses: the Lambda authorizer and the public endpoints that read the
    session themselves. One strongly consistent BatchGetItem reads the session, the user and the
    user's session epoch, so a revoked session or a deleted user is refused on the very next request.
    """
    return authenticate_with(token).signed_in


def _due_for_refresh(session: SessionModel) -> bool:
    # Better Auth: refresh once updateAge has passed since the expiry was last set. A rememberMe: false
    # session is never extended (Better Auth skips it when the dont_remember cookie is present; the
    # flag is stored here, so bearer clients cannot turn a 1-day session into a 7-day one).
    return session.remember and session.expires_at - SESSION_LIFETIME + REFRESH_AFTER <= utcnow()


def current_session(token: str | None, *, allow_refresh: bool) -> CurrentSession | None:
    """get-session: the session and its user; extends a 7-day session once a day while it is used."""
    found = authenticate(token)
    if token is None or found is None:
        return None
    if not (allow_refresh and _due_for_refresh(found.session)):
        return CurrentSession(token, found.session, found.user, refreshed=False)
    extended = session_repository.extend_session(found.token, utcnow() + SESSION_LIFETIME)
    if extended is None:  # revoked or expired meanwhile
        return None
    return CurrentSession(token, extended, found.user, refreshed=True)


class SessionAnswer(NamedTuple):
    """get-session's answer, and what it does to the cookies: ``refreshed_max_age`` re-issues them with
    that lifetime (the expiry moved), ``cleared`` expires them (the presented token is dead)."""

    body: SessionAndUser | None
    refreshed_max_age: int | None = None
    cleared: bool = False


def get_session(token: str | None, *, allow_refresh: bool) -> SessionAnswer:
    """get-session: the session and user a request presents (no token: null, and the cookies untouched)."""
    if token is None:
        return SessionAnswer(None)
    current = current_session(token, allow_refresh=allow_refresh)
    if current is None:
        return SessionAnswer(None, cleared=True)
    from spooky.schemas.auth.sessions import SessionAndUser
    from spooky.services.mapping import to_session_out, to_user_out

    body = SessionAndUser(session=to_session_out(current.session, token), user=to_user_out(current.user))
    return SessionAnswer(body, refreshed_max_age=current.max_age_seconds if current.refreshed else None)


def signed_in_user(token: str | None) -> UserModel | None:
    """The live user behind a presented token, for public endpoints that behave differently when signed in."""
    found = authenticate(token)
    return found.user if found else None


def end_session(token: str | None) -> None:
    """sign-out: revoke the presented session, if any (an unknown token is not an error)."""
    parsed = parse_session_token(token) if token else None
    if parsed:
        session_repository.delete_session(parsed)


def list_sessions(user_id: str, current_session_id: str) -> list[SessionOut]:
    """All the user's active sessions, oldest first; the caller's must be under a day old (Better Auth)."""
    sessions = session_repository.list_sessions(user_id)
    current = next((session for session in sessions if session.id == current_session_id), None)
    if current is None:
        raise errors.unauthorized()
    if utcnow() - current.created_at >= FRESH_AGE:
        raise errors.session_not_fresh()
    from spooky.services.mapping import to_session_out

    return [to_session_out(session) for session in sessions]


def revoke_session(user_id: str, token_or_id: str) -> None:
    """Revoke one of the caller's sessions, named by its token or by its id (what list-sessions shows).

    Like Better Auth, a session that is not the caller's (or does not exist) is silently left alone.
    """
    if is_ulid(token_or_id):
        session_repository.delete_user_session(user_id, token_or_id)
        return
    parsed = parse_session_token(token_or_id)
    if parsed is not None and parsed.user_id == user_id:
        session_repository.delete_session(parsed)


def revoke_sessions(user_id: str) -> None:
    """Every session of the user, at any count: one write of a new session epoch."""
    session_repository.revoke_all(user_id)


def revoke_other_sessions(user_id: str, current_session_id: str) -> None:
    """Every session but the caller's: a new epoch, and the caller's session moved to it, in one
    transaction conditioned on the caller's session still being alive."""
    session_repository.revoke_others(user_id, current_session_id)
