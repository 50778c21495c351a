"""A deleted user's posts are gone from every read path as soon as delete-user returns.

Their posts stay in the indexes until the retention job retires them, so reads hide them: by id and
on any page of the author's listing (cursors taken before the deletion included) by checking the
author, in the feed by the deleted-authors entry the soft delete writes, the feed's pages staying
full while more posts exist. Editing needs a live caller who is the author.
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
from spooky.models.app import DeletedAuthorModel, PostModel, UserModel
from spooky.pagination import Page
from spooky.repositories import posts, timeline
from spooky.repositories.deleted_authors import INDEX_LAG_GRACE, hidden_author_ids, retired_entry
from spooky.repositories.posts import PostWithAuthor
from spooky.schemas.posts import NewPost, PostChanges
from tests.support import factories
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
    factories.soft_delete_user(author.id)
    assert posts.get_post(post.id) is None


def test_a_cursor_taken_before_the_deletion_finds_no_user(local_tables: dict[str, str]) -> None:
    author = make_user()
    seed_posts(author.id, 5)
    cursor = posts.list_user_posts(author.id, None, 2).next_cursor
    assert cursor is not None
    factories.soft_delete_user(author.id)
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
    factories.soft_delete_user(gone.id)
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


def test_a_feed_page_that_reads_past_hidden_posts_in_one_query_is_still_two_requests(
    hidden_run: tuple[list[PostModel], UserModel],
) -> None:
    kept, _ = hidden_run
    make_user()  # unrelated
    with recording() as calls:
        page = posts.feed(None, 100)  # one round: the partition holds 65 posts, fewer than 101
    requests = [(call.operation, call.index_name) for call in calls]
    assert sorted(request for request in requests if request[1]) == [("Query", "Timeline")]
    assert [request for request in requests if not request[1]] == [("Query", None)]
    assert [entry.post.id for entry in page.items] == newest_first(kept)


def test_the_soft_delete_lists_the_user_for_the_feed_in_the_same_transaction(
    local_tables: dict[str, str],
) -> None:
    author = make_user()
    with recording() as calls:
        deleted_at = factories.soft_delete_user(author.id)
    assert [call.operation for call in calls].count("TransactWriteItems") == 1
    entry = DeletedAuthorModel.get(*DeletedAuthorModel.key(author.id), consistent_read=True)
    assert (entry.user_id, entry.deleted_at, entry.ttl) == (author.id, deleted_at, None)
    assert author.id in hidden_author_ids()


def test_a_retired_users_entry_hides_them_for_the_grace_then_lapses(local_tables: dict[str, str]) -> None:
    """Past the grace, the Query's key condition skips an entry, whatever TTL has not removed yet."""
    recent, lapsed = make_user(), make_user()
    now = utcnow()
    retired_entry(recent.id, now, now).save()
    retired_entry(lapsed.id, now, now - 2 * INDEX_LAG_GRACE).save()
    hidden = hidden_author_ids()
    assert recent.id in hidden
    assert lapsed.id not in hidden


@pytest.mark.slow  # 1,500 posts paged through: ~11 s, in `make test-long` (CI runs it)
def test_a_deleted_authors_posts_are_hidden_at_any_number_of_posts(fresh_tables: dict[str, str]) -> None:
    """More hidden posts than one request reads (MAX_ROUNDS): pages may come short, never with one of
    them, and paging on reaches every live post once."""
    live = make_user()
    kept = seed_posts(live.id, 3)
    gone = make_user()
    seed_posts(gone.id, 1_500)  # newer than the live posts
    factories.soft_delete_user(gone.id)
    pages = whole_feed(20)
    assert [entry.post.id for page in pages for entry in page.items] == newest_first(kept)
    assert {entry.author.id for page in pages for entry in page.items} == {live.id}


def test_posts_without_an_author_copy_read_their_authors_and_hide_deleted_ones(
    fresh_tables: dict[str, str],
) -> None:
    """Posts written before migration 0003 carry no copy: the page reads their authors (one strongly
    consistent BatchGetItem) and hides those of a user deleted before any deleted-authors entry."""
    live, gone = make_user(name="Wednesday"), make_user(name="Pugsley")
    legacy = [*seed_posts(live.id, 2), *seed_posts(gone.id, 2)]
    for post in legacy:
        PostModel(*PostModel.key(post.id)).update(
            [PostModel.author_name.remove(), PostModel.author_email.remove()]
        )
    factories.soft_delete_user(gone.id)
    DeletedAuthorModel(*DeletedAuthorModel.key(gone.id)).delete()  # as if deleted before this release
    with recording() as calls:
        page = posts.feed(None, 10)
    assert [(entry.author.id, entry.author.name) for entry in page.items] == [(live.id, "Wednesday")] * 2
    assert sorted(call.operation for call in calls) == ["BatchGetItem", "Query", "Query"]


def test_the_last_live_post_is_not_followed_by_an_empty_page(fresh_tables: dict[str, str]) -> None:
    live = make_user()
    (only,) = seed_posts(live.id, 1)
    gone = make_user()
    seed_posts(gone.id, 1)
    factories.soft_delete_user(gone.id)
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
    factories.soft_delete_user(author.id)
    _assert_refused_and_unchanged(post, author.id, Unauthorized)


def test_only_the_author_can_edit_or_delete_a_post(local_tables: dict[str, str]) -> None:
    author, stranger = make_user(), make_user()
    (post,) = make_posts(author.id, 1)
    _assert_refused_and_unchanged(post, stranger.id, Forbidden)
    edited = posts.update_post(post.id, author.id, PostChanges(name="edited"), 1)
    assert (edited.name, edited.version) == ("edited", 2)


@pytest.mark.slow  # 15 whole-feed walks per seed: ~10 s each, in `make test-long` (CI runs it)
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
            posts.author_of(live if rng.random() < 0.3 else gone),
            NewPost(name=f"p{n}"),
            start + timedelta(milliseconds=n),
        )
        for n in range(120)
    ]
    batch_write(PostModel, puts=items)
    factories.soft_delete_user(gone.id)
    expected = [post.id for post in reversed(items) if post.created_by_id == live.id]
    full_budget = timeline.MAX_ROUNDS
    for rounds in (1, 2, full_budget):
        monkeypatch.setattr(timeline, "MAX_ROUNDS", rounds)
        for limit in (1, 2, 3, 7, 20):
            pages = whole_feed(limit)
            assert [entry.post.id for page in pages for entry in page.items] == expected, (rounds, limit)
            if rounds == full_budget:  # enough to read past every hidden run here
                assert all(len(page.items) == limit for page in pages[:-1]), (rounds, limit)
