"""Soft delete: a deleted post or user disappears from every read path at once, and counts follow."""

from __future__ import annotations

import pytest

from spooky.errors import Forbidden, NotFound
from spooky.models.app import PostModel, UserModel
from spooky.repositories import posts, users
from tests.support import factories
from tests.support.factories import ids, make_posts, make_user


def post_count(user_id: str) -> int:
    return int(UserModel.get(*UserModel.key(user_id), consistent_read=True).post_count)


def test_a_deleted_post_disappears_from_every_read_path(fresh_tables: dict[str, str]) -> None:
    author = make_user()
    kept, doomed = make_posts(author.id, 2)
    assert post_count(author.id) == 2

    posts.delete_post(doomed.id, author.id, expected_version=None)

    assert posts.get_post(doomed.id) is None
    assert ids(users.get_profile(author.id)[1]) == [kept.id]
    assert ids(posts.list_user_posts(author.id, None, 10).posts) == [kept.id]
    assert [entry.post.id for entry in posts.feed(None, 10).items] == [kept.id]
    assert post_count(author.id) == 1


def test_a_deleted_post_is_kept_until_the_purge_for_restoring(local_tables: dict[str, str]) -> None:
    author = make_user()
    (post,) = make_posts(author.id, 1)
    posts.delete_post(post.id, author.id, expected_version=None)
    stored = PostModel.get(*PostModel.key(post.id), consistent_read=True)
    assert stored.deleted_at is not None
    assert stored.ttl is not None
    assert stored.ttl > stored.deleted_at
    assert stored.gsi1pk is None  # out of both indexes
    assert stored.gsi2pk is None


def test_deleting_a_post_twice_is_not_found_and_counts_once(local_tables: dict[str, str]) -> None:
    author = make_user()
    (post,) = make_posts(author.id, 1)
    posts.delete_post(post.id, author.id, expected_version=None)
    with pytest.raises(NotFound):
        posts.delete_post(post.id, author.id, expected_version=None)
    assert post_count(author.id) == 0


def test_only_the_author_can_delete_a_post(local_tables: dict[str, str]) -> None:
    author, stranger = make_user(), make_user()
    (post,) = make_posts(author.id, 1)
    with pytest.raises(Forbidden):
        posts.delete_post(post.id, stranger.id, expected_version=None)
    assert posts.get_post(post.id) is not None
    assert (post_count(author.id), post_count(stranger.id)) == (1, 0)


def test_a_deleted_user_is_not_found_anywhere(local_tables: dict[str, str]) -> None:
    user = make_user()
    make_posts(user.id, 2)
    factories.soft_delete_user(user.id)
    assert users.get_user(user.id) is None
    assert users.get_users([user.id]) == {}
    with pytest.raises(NotFound):
        users.get_profile(user.id)
    with pytest.raises(NotFound):
        posts.list_user_posts(user.id, None, 10)
    with pytest.raises(NotFound):
        factories.soft_delete_user(user.id)
