"""Editing a post: optimistic concurrency (If-Match versions), author-only, never on deleted posts."""

from __future__ import annotations

import pytest

from spooky.errors import Forbidden, NotFound, PreconditionFailed
from spooky.ids import new_id
from spooky.models.app import PostModel
from spooky.repositories import posts
from spooky.schemas.posts import NewPost, PostChanges
from tests.support.factories import make_user


def stored(post_id: str) -> PostModel:
    return PostModel.get(*PostModel.key(post_id), consistent_read=True)


def test_an_edit_at_the_expected_version_applies_and_bumps_the_version(local_tables: dict[str, str]) -> None:
    author = make_user()
    post = posts.create_post(author.id, NewPost(name="Draft", content="body"))
    updated = posts.update_post(
        post.id, author.id, PostChanges(name="Final", content=None), expected_version=1
    )
    assert (updated.name, updated.version) == ("Final", 2)
    assert updated.content is None
    assert updated.updated_at > post.updated_at
    assert stored(post.id).serialize() == updated.serialize()


def test_an_edit_at_a_stale_version_is_a_failed_precondition_and_changes_nothing(
    local_tables: dict[str, str],
) -> None:
    author = make_user()
    post = posts.create_post(author.id, NewPost(name="Draft"))
    posts.update_post(post.id, author.id, PostChanges(name="Edit from tab 1"), expected_version=1)
    before = stored(post.id).serialize()
    with pytest.raises(PreconditionFailed):
        posts.update_post(post.id, author.id, PostChanges(name="Edit from tab 2"), expected_version=1)
    assert stored(post.id).serialize() == before


def test_an_edit_without_a_version_applies_to_the_latest(local_tables: dict[str, str]) -> None:
    author = make_user()
    post = posts.create_post(author.id, NewPost(name="Draft"))
    posts.update_post(post.id, author.id, PostChanges(content="one"), expected_version=None)
    assert (
        posts.update_post(post.id, author.id, PostChanges(content="two"), expected_version=None).version == 3
    )


def test_only_the_author_can_edit_a_post(local_tables: dict[str, str]) -> None:
    author, stranger = make_user(), make_user()
    post = posts.create_post(author.id, NewPost(name="Mine"))
    with pytest.raises(Forbidden):
        posts.update_post(post.id, stranger.id, PostChanges(name="Theirs"), expected_version=1)
    assert stored(post.id).name == "Mine"


def test_missing_and_deleted_posts_cannot_be_edited(local_tables: dict[str, str]) -> None:
    author = make_user()
    post = posts.create_post(author.id, NewPost(name="Gone soon"))
    posts.delete_post(post.id, author.id, expected_version=1)
    for post_id in (post.id, new_id()):
        with pytest.raises(NotFound):
            posts.update_post(post_id, author.id, PostChanges(name="Zombie"), expected_version=None)
    assert posts.get_post(post.id) is None


def test_a_delete_at_a_stale_version_is_a_failed_precondition(local_tables: dict[str, str]) -> None:
    author = make_user()
    post = posts.create_post(author.id, NewPost(name="Draft"))
    posts.update_post(post.id, author.id, PostChanges(name="Edited"), expected_version=1)
    with pytest.raises(PreconditionFailed):
        posts.delete_post(post.id, author.id, expected_version=1)
    assert posts.get_post(post.id) is not None
