"""migrations/0003: posts written before this release (4 Timeline shards, no author copy) join the feed's
one partition with a copy of their author; a deleted author's posts are retired instead."""

from __future__ import annotations

from typing import Any

import pytest

from devtools.migrations import MigrationFile, Runner, discover, load
from spooky.db.observe import recording
from spooky.models import keys
from spooky.models.app import DeletedAuthorModel, PostModel, UserModel
from spooky.repositories import posts, users
from spooky.repositories.posts import Author
from spooky.schemas.users import UserChanges
from tests.support import factories
from tests.support.factories import make_user, newest_first, seed_posts
from tests.support.invariants import dynamodb_client


@pytest.fixture
def feed_migration() -> MigrationFile:
    return next(file for file in discover() if file.id == "0003_feed_posts_on_one_partition")


def stored(post_id: str) -> PostModel:
    return PostModel.get(*PostModel.key(post_id), consistent_read=True)


def as_before_this_release(monkeypatch: pytest.MonkeyPatch, author: UserModel, count: int) -> list[PostModel]:
    """Posts as the previous release wrote them: over 4 Timeline shards, without an author copy."""
    with monkeypatch.context() as patched:
        patched.setitem(keys.TIMELINE_SHARDS, keys.POSTS_TIMELINE, 4)
        seeded = seed_posts(author.id, count)
    no_copy = [PostModel.author_name.remove(), PostModel.author_email.remove()]
    for post in seeded:
        PostModel(*PostModel.key(post.id)).update(no_copy)
    return seeded


@pytest.fixture
def legacy(fresh_tables: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    live, gone = make_user(name="Morticia"), make_user(name="Gomez")
    kept = as_before_this_release(monkeypatch, live, 24)
    left_behind = as_before_this_release(monkeypatch, gone, 3)
    factories.soft_delete_user(gone.id)
    # Deleted before this release: no entry for the feed, and (a lost race) the posts never retired.
    DeletedAuthorModel(*DeletedAuthorModel.key(gone.id)).delete()
    (deleted_post,) = seed_posts(live.id, 1)
    posts.delete_post(deleted_post.id, live.id, None)
    assert {post.gsi2pk for post in kept} - {"POSTS#0"}  # some on the former shards 1 to 3
    return {"live": live, "kept": kept, "left_behind": left_behind, "deleted_post": deleted_post}


def raw_posts(fresh_tables: dict[str, str]) -> list[dict[str, Any]]:
    items = dynamodb_client().scan(TableName=fresh_tables["AppTable"], ConsistentRead=True)["Items"]
    return [item for item in items if item["sk"]["S"] == keys.POST_SK]


def test_every_post_joins_the_one_partition_with_its_author_and_deleted_authors_posts_retire(
    legacy: dict[str, Any], feed_migration: MigrationFile, fresh_tables: dict[str, str]
) -> None:
    live, kept = legacy["live"], legacy["kept"]
    scanned = [raw for raw in raw_posts(fresh_tables) if load(feed_migration).needs_change(raw)]
    # Until it runs, the feed lists only the posts already on POSTS#0 (docs/operations.md).
    assert len(posts.feed(None, 100).items) == sum(post.gsi2pk == "POSTS#0" for post in kept)

    dry = Runner(segments=2).run(feed_migration, dry_run=True)
    applied = Runner(segments=2, page_size=5).run(feed_migration)

    assert (len(scanned), dry.changed, applied.changed) == (27, 27, 27)
    for post in kept:
        assert (stored(post.id).gsi2pk, stored(post.id).author_name) == ("POSTS#0", "Morticia")
    for post in legacy["left_behind"]:
        assert stored(post.id).gsi2pk is None
        assert str(stored(post.id).gsi1sk).startswith(keys.RETIRED_POST_PREFIX)
    assert stored(legacy["deleted_post"].id).gsi2pk is None  # soft-deleted: left alone
    with recording() as calls:
        page = posts.feed(None, 30)
    assert [entry.post.id for entry in page.items] == newest_first(kept)
    assert {(entry.author.name, entry.author.email) for entry in page.items} == {("Morticia", live.email)}
    assert len(calls) == 2
    # A page replayed after a crash changes nothing twice.
    assert not any(load(feed_migration).apply(raw) for raw in scanned)


def test_a_rename_during_the_migration_is_not_overwritten(
    legacy: dict[str, Any], feed_migration: MigrationFile, fresh_tables: dict[str, str]
) -> None:
    live, kept = legacy["live"], legacy["kept"]
    migration = load(feed_migration)
    migration._author(live.id)  # read (and cached) before the rename
    users.update_user(live.id, UserChanges(name="Morticia Addams"))

    raw = next(item for item in raw_posts(fresh_tables) if item["id"]["S"] == kept[0].id)
    assert migration.apply(raw)

    assert stored(kept[0].id).author_name == "Morticia Addams"
    assert migration._authors[live.id] == Author(live.id, "Morticia Addams", live.email)
