"""A deleted user's posts are gone from every read path as soon as delete-user returns.

Their posts stay in the indexes until the retention job retires them, so reads check the author:
by id, on any page of the author's listing (cursors taken before the deletion included) and in the
feed, whose pages stay full while more posts exist. Editing needs a live caller who is the author.
"""

from __future__ import annotations

import base64
import random
from datetime import timedelta

import pytest

from spooky.clock import utcnow
from spooky.db.batch import batch_write
from spooky.db.observe import recording
from spooky.errors import Forbidden, NotFound, Unauthorized
from spooky.models.app import PostModel, UserModel
from spooky.pagination import Page
from spooky.repositories import posts, timeline, users
from spooky.repositories.posts import PostWithAuthor
from spooky.schemas.posts import NewPost, PostChanges
from tests.support.factories import make_posts, make_user, newest_first, seed_posts


def whole_feed(limit: int) -> list[Page[PostWithAuthor]]:
    pages = [posts.feed(None, limit)]
    while pages[-1].next_cursor is not None:
        pages.append(posts.feed(pages[-1].next_cursor, limit))
        assert len(pages) < 500, "paging never ended"
    return pages


def test_a_deleted_authors_post_is_not_found_by_id(local_tables: dict[str, str]) -> None:
    author = make_user()
    (post,) = make_posts(author.id, 1)
    users.soft_delete_user(author.id)
    assert posts.get_post(post.id) is None


def test_a_cursor_taken_before_the_deletion_finds_no_user(local_tables: dict[str, str]) -> None:
    author = make_user()
    seed_posts(author.id, 5)
    cursor = posts.list_user_posts(author.id, None, 2).next_cursor
    assert cursor is not None
    users.soft_delete_user(author.id)
    with pytest.raises(NotFound):
        posts.list_user_posts(author.id, cursor, 2)


def test_the_author_listings_cursor_does_not_carry_the_authors_email(local_tables: dict[str, str]) -> None:
    # Cursors are signed, not encrypted: anyone holding one can read it.
    author = make_user()
    seed_posts(author.id, 3)
    cursor = posts.list_user_posts(author.id, None, 1).next_cursor
    assert cursor is not None
    assert author.email not in timeline_payload(cursor)


def timeline_payload(cursor: str) -> str:
    payload = cursor.split(".")[0]
    return base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()


@pytest.fixture
def hidden_run(fresh_tables: dict[str, str]) -> tuple[list[PostModel], UserModel]:
    """A live author's 5 older posts under a just-deleted author's 60 newest posts."""
    live = make_user(name="Morticia")
    kept = seed_posts(live.id, 5)
    gone = make_user(name="Gomez")
    seed_posts(gone.id, 60)  # seeded after: newer
    users.soft_delete_user(gone.id)
    return kept, gone


def test_feed_pages_stay_full_past_a_deleted_authors_posts(
    hidden_run: tuple[list[PostModel], UserModel],
) -> None:
    kept, _ = hidden_run
    pages = whole_feed(2)
    assert [len(page.items) for page in pages] == [2, 2, 1]
    assert [entry.post.id for page in pages for entry in page.items] == newest_first(kept)


def test_a_page_that_hit_the_round_limit_is_short_but_continues(
    hidden_run: tuple[list[PostModel], UserModel], monkeypatch: pytest.MonkeyPatch
) -> None:
    kept, _ = hidden_run
    monkeypatch.setattr(timeline, "MAX_ROUNDS", 1)  # one round reads 3 items per shard at page size 2
    first = posts.feed(None, 2)
    assert first.items == []
    assert first.next_cursor is not None
    pages = [first, *whole_feed_from(first.next_cursor, 2)]
    assert [entry.post.id for page in pages for entry in page.items] == newest_first(kept)


def whole_feed_from(cursor: str, limit: int) -> list[Page[PostWithAuthor]]:
    pages = [posts.feed(cursor, limit)]
    while pages[-1].next_cursor is not None:
        pages.append(posts.feed(pages[-1].next_cursor, limit))
        assert len(pages) < 500, "paging never ended"
    return pages


def test_a_feed_page_without_hidden_posts_is_still_four_queries_and_one_batch(
    hidden_run: tuple[list[PostModel], UserModel],
) -> None:
    kept, _ = hidden_run
    make_user()  # unrelated
    with recording() as calls:
        posts.feed(None, 100)  # one round: each shard holds at most 101 items
    assert sorted(call.operation for call in calls) == ["BatchGetItem"] + ["Query"] * 4
    assert len(kept) == 5


def test_the_last_live_post_is_not_followed_by_an_empty_page(fresh_tables: dict[str, str]) -> None:
    live = make_user()
    (only,) = seed_posts(live.id, 1)
    gone = make_user()
    seed_posts(gone.id, 1)
    users.soft_delete_user(gone.id)
    # The hidden post is older than the live one: page 1 must not promise a page 2.
    page = posts.feed(None, 1)
    assert ([entry.post.id for entry in page.items], page.next_cursor) == ([only.id], None)


def _assert_refused_and_unchanged(post: PostModel, caller_id: str, refusal: type[Exception]) -> None:
    with pytest.raises(refusal):
        posts.update_post(post.id, caller_id, PostChanges(name="edited by the wrong caller"), None)
    with pytest.raises(refusal):
        posts.delete_post(post.id, caller_id, None)
    stored = PostModel.get(*PostModel.key(post.id), consistent_read=True)
    assert (stored.name, stored.deleted_at, stored.version) == (post.name, None, 1)


def test_a_deleted_caller_can_neither_edit_nor_delete_their_posts(local_tables: dict[str, str]) -> None:
    author = make_user()
    (post,) = make_posts(author.id, 1)
    users.soft_delete_user(author.id)
    _assert_refused_and_unchanged(post, author.id, Unauthorized)


def test_only_the_author_can_edit_or_delete_a_post(local_tables: dict[str, str]) -> None:
    author, stranger = make_user(), make_user()
    (post,) = make_posts(author.id, 1)
    _assert_refused_and_unchanged(post, stranger.id, Forbidden)
    edited = posts.update_post(post.id, author.id, PostChanges(name="edited"), 1)
    assert (edited.name, edited.version) == ("edited", 2)


@pytest.mark.parametrize("seed", [7, 11])
def test_feed_order_is_exact_whatever_the_rounds_and_page_size(
    fresh_tables: dict[str, str], monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    """Live and hidden posts interleaved at random over the shards: every page size and round budget
    gives the live posts once, newest first; with the full budget every page but the last is full."""
    rng = random.Random(seed)
    live, gone = make_user(), make_user()
    start = utcnow() - timedelta(hours=1)
    items = [
        posts.new_post_item(
            (live if rng.random() < 0.3 else gone).id,
            NewPost(name=f"p{n}"),
            start + timedelta(milliseconds=n),
        )
        for n in range(120)
    ]
    batch_write(PostModel, puts=items)
    users.soft_delete_user(gone.id)
    expected = [post.id for post in reversed(items) if post.created_by_id == live.id]
    full_budget = timeline.MAX_ROUNDS
    for rounds in (1, 2, full_budget):
        monkeypatch.setattr(timeline, "MAX_ROUNDS", rounds)
        for limit in (1, 2, 3, 7, 20):
            pages = whole_feed(limit)
            assert [entry.post.id for page in pages for entry in page.items] == expected, (rounds, limit)
            if rounds == full_budget:  # enough to read past every hidden run here
                assert all(len(page.items) == limit for page in pages[:-1]), (rounds, limit)
