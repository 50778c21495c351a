"""Builders for repository tests: users and posts written through the repositories' own code."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from spooky.auth.session_tokens import SessionToken, new_session_token
from spooky.clock import utcnow
from spooky.db.batch import batch_write, read_consistently
from spooky.db.transactions import write_together
from spooky.errors import NotFound
from spooky.ids import new_id
from spooky.models.app import AccountModel, PostModel, UserModel
from spooky.models.auth import SessionModel
from spooky.repositories import posts, sessions, users, verifications
from spooky.schemas.posts import NewPost
from spooky.schemas.users import NewUser
from spooky.services.auth.sessions import StartedSession, new_session


def unique_email(local: str = "user") -> str:
    return f"{local}-{new_id().lower()}@example.com"


# Repository writes and reads the API makes only as parts of larger ones, one at a time for tests.


def create_user(user: NewUser, password_hash: str | None) -> UserModel:
    """A user with their email claim and credential account, as sign-up writes them."""
    item = users.new_user_item(user, utcnow())
    write_together(users.creation(item, password_hash))
    return item


def soft_delete_user(user_id: str) -> datetime:
    """delete-user's soft delete, without its session revocation."""
    user = users.get_user(user_id, ["email", "id"], consistent=True)
    if user is None:
        raise NotFound("User not found")
    return users.soft_delete(user)


def set_password(user_id: str, password_hash: str) -> None:
    write_together(users.password_change(user_id, password_hash))


def find_user_id_by_email(email: str) -> str | None:
    claim = users.find_email_claim(email)
    return claim.user_id if claim else None


def get_credential(user_id: str) -> AccountModel | None:
    return read_consistently(users.credential_key(user_id)).get(users.credential_key(user_id))


def get_session_with_user(token: SessionToken) -> sessions.SessionWithUser | None:
    """What the authorizer decides of ``token``: its one BatchGetItem, then the checks."""
    return sessions.session_in(read_consistently(*sessions.session_keys(token)), token)


def create_verification(
    identifier: str, value: str, expires_at: datetime, *, email: str | None = None
) -> None:
    write_together(verifications.creation(identifier, value, expires_at, email=email))


def make_user(name: str = "Ada Lovelace", email: str | None = None) -> UserModel:
    return create_user(NewUser(name=name, email=email or unique_email()), password_hash=None)


def store_session(item: SessionModel) -> SessionModel:
    """Store a session the way sign-in does: for a live user (else NotFound), in their current session
    epoch (set on ``item``)."""
    user_id = item.user_id
    item.epoch = sessions.epoch_in(read_consistently(sessions.epoch_key(user_id)), user_id)
    write_together(
        users.live_check(user_id),
        sessions.epoch_unchanged(user_id, sessions.EpochRead(item.epoch)),
        sessions.opening(item),
    )
    return item


def start_session(user_id: str, *, remember: bool = True) -> StartedSession:
    """A session as the services open one (token, item, cookie lifetime), stored with ``store_session``."""
    started = new_session(user_id, remember=remember)
    store_session(started.session)
    return started


def open_session(user_id: str, lifetime: timedelta = timedelta(days=7), **client: str) -> SessionToken:
    """A session of ``user_id`` expiring after ``lifetime`` (negative: already expired)."""
    token = new_session_token(user_id)
    store_session(sessions.new_session_item(token, utcnow() + lifetime, **client))
    return token


def make_posts(author_id: str, count: int, prefix: str = "post") -> list[PostModel]:
    """``count`` posts created one by one (the seed's transaction each), oldest first."""
    return [posts.create_post(author_id, NewPost(name=f"{prefix} {n}")) for n in range(count)]


def author(author_id: str) -> posts.Author:
    """The author as a post copies them (read from the table)."""
    return posts.author_of(UserModel.get(*UserModel.key(author_id), consistent_read=True))


def seed_posts(author_id: str, count: int) -> list[PostModel]:
    """``count`` posts a millisecond apart, oldest first, written in batches (fast setup for listings).

    The items are built by the same function create_post uses; only the author's postCount is skipped.
    """
    start = utcnow() - timedelta(hours=1)
    copied = author(author_id)
    items = [
        posts.new_post_item(copied, NewPost(name=f"post {n}"), start + timedelta(milliseconds=n))
        for n in range(count)
    ]
    batch_write(PostModel, puts=items)
    return items


def ids(items: list[Any]) -> list[str]:
    return [item.id for item in items]


def newest_first(items: list[PostModel]) -> list[str]:
    return [post.id for post in reversed(items)]
