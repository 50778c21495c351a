"""The seed's transaction (update the author, create the post): all or nothing, the author as foreign key."""

from __future__ import annotations

from typing import Any

import pytest
from pynamodb.exceptions import DoesNotExist

from spooky.db.transactions import TransactionCancelled
from spooky.errors import Conflict, NotFound
from spooky.ids import new_id
from spooky.models.app import PostModel, UserModel
from spooky.repositories import posts
from spooky.schemas.posts import NewPost
from spooky.schemas.users import UserChanges
from tests.support import factories
from tests.support.factories import make_user


def stored_user(user_id: str) -> dict[str, Any]:
    return UserModel.get(*UserModel.key(user_id), consistent_read=True).serialize()


def stored_post(post_id: str) -> dict[str, Any]:
    return PostModel.get(*PostModel.key(post_id), consistent_read=True).serialize()


def assert_no_post(post_id: str) -> None:
    with pytest.raises(DoesNotExist):
        PostModel.get(*PostModel.key(post_id), consistent_read=True)


def test_creating_a_post_updates_the_author_in_the_same_transaction(local_tables: dict[str, str]) -> None:
    author = make_user()
    before = UserModel.get(*UserModel.key(author.id), consistent_read=True)
    post = posts.create_post(author.id, NewPost(name="New Post"), UserChanges(last_name="Byron"))
    after = UserModel.get(*UserModel.key(author.id), consistent_read=True)
    assert (after.last_name, after.post_count, after.version) == (
        "Byron",
        before.post_count + 1,
        before.version + 1,
    )
    assert after.updated_at == post.created_at
    assert stored_post(post.id)["createdById"] == {"S": author.id}


def test_when_the_post_write_fails_its_condition_the_author_is_unchanged(
    local_tables: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    author = make_user()
    existing = posts.create_post(author.id, NewPost(name="Existing"))
    author_before, post_before = stored_user(author.id), stored_post(existing.id)
    # Force an id collision: the post's put (attribute_not_exists) fails, so the whole transaction must.
    monkeypatch.setattr(posts, "new_id", lambda: existing.id)

    with pytest.raises(TransactionCancelled) as caught:
        posts.create_post(author.id, NewPost(name="Collides"), UserChanges(last_name="Changed"))

    assert caught.value.failed("post")
    assert not caught.value.failed("author")
    assert isinstance(caught.value, Conflict)  # a 409 to the client, never a 5xx
    assert stored_user(author.id) == author_before  # postCount, lastName, version, updatedAt
    assert stored_post(existing.id) == post_before


def test_a_post_for_a_missing_author_is_not_found_and_writes_nothing(
    local_tables: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    missing_author, post_id = new_id(), new_id()
    monkeypatch.setattr(posts, "new_id", lambda: post_id)
    with pytest.raises(NotFound):
        posts.create_post(missing_author, NewPost(name="Orphan"), UserChanges(last_name="Ghost"))
    assert_no_post(post_id)
    # The author update did not create a stub user item either (UpdateItem would, without its condition).
    with pytest.raises(DoesNotExist):
        UserModel.get(*UserModel.key(missing_author), consistent_read=True)


def test_a_post_for_a_soft_deleted_author_is_not_found_and_writes_nothing(
    local_tables: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    author = make_user()
    posts.create_post(author.id, NewPost(name="Before deletion"))
    factories.soft_delete_user(author.id)
    author_before = stored_user(author.id)
    post_id = new_id()
    monkeypatch.setattr(posts, "new_id", lambda: post_id)
    with pytest.raises(NotFound):
        posts.create_post(author.id, NewPost(name="After deletion"))
    assert_no_post(post_id)
    assert stored_user(author.id) == author_before
