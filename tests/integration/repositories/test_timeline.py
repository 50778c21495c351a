"""The global posts feed over the Timeline: newest first, complete, one partition per page.

Posts are on one Timeline partition; the merge of several (what the users' timeline, with 4, would
use) is checked too, with the posts' shard count patched to 4 (``four_post_shards``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from spooky.clock import utcnow
from spooky.db.batch import batch_write
from spooky.db.observe import recording
from spooky.errors import ValidationFailed
from spooky.models import keys
from spooky.models.app import PostModel, UserModel
from spooky.pagination import Page
from spooky.repositories import posts
from spooky.repositories.posts import PostWithAuthor
from spooky.schemas.posts import NewPost
from tests.support import factories
from tests.support.factories import author, make_user, seed_posts


def whole_feed(limit: int) -> list[Page[PostWithAuthor]]:
    pages = [posts.feed(None, limit)]
    while pages[-1].next_cursor is not None:
        pages.append(posts.feed(pages[-1].next_cursor, limit))
        assert len(pages) < 1000, "paging never ended"
    return pages


def feed_ids(limit: int) -> list[str]:
    return [entry.post.id for page in whole_feed(limit) for entry in page.items]


def newest_first(items: list[PostModel]) -> list[str]:
    return [post.id for post in sorted(items, key=lambda post: post.created_at, reverse=True)]


@pytest.fixture
def four_post_shards(monkeypatch: pytest.MonkeyPatch) -> int:
    """Posts written and read over 4 Timeline partitions, as the users' timeline is."""
    monkeypatch.setitem(keys.TIMELINE_SHARDS, keys.POSTS_TIMELINE, 4)
    return 4


@pytest.fixture(params=[1, 4], ids=["one partition", "four shards"])
def post_shards(request: pytest.FixtureRequest) -> int:
    return 4 if request.param == 4 and request.getfixturevalue("four_post_shards") else 1


@pytest.fixture
def three_authors(fresh_tables: dict[str, str], post_shards: int) -> tuple[list[UserModel], list[PostModel]]:
    """Three authors whose 45 posts interleave in time and spread over every shard."""
    authors = [make_user(name=name) for name in ("Ada", "Grace", "Edsger")]
    created = [post for author in authors for post in seed_posts(author.id, 15)]
    on = {keys.shard_of(keys.POSTS_TIMELINE, post.id) for post in created}
    assert on == set(range(post_shards))
    return authors, created


def test_the_feed_lists_every_post_once_newest_first_across_shards(
    three_authors: tuple[list[UserModel], list[PostModel]],
) -> None:
    _, created = three_authors
    for limit in (1, 7, 45, 100):
        assert feed_ids(limit) == newest_first(created), f"page size {limit}"


def test_a_cursor_of_another_shard_layout_is_refused(
    three_authors: tuple[list[UserModel], list[PostModel]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A signed cursor made before the posts' Timeline was re-keyed (4 shards, then 1) is a 400, not
    a page that would repeat or skip posts."""
    cursor = posts.feed(None, 5).next_cursor
    assert cursor is not None
    other = 1 if keys.TIMELINE_SHARDS[keys.POSTS_TIMELINE] == 4 else 4
    monkeypatch.setitem(keys.TIMELINE_SHARDS, keys.POSTS_TIMELINE, other)
    with pytest.raises(ValidationFailed):
        posts.feed(cursor, 5)


def test_feed_entries_carry_their_authors_name_and_email_without_reading_them(
    three_authors: tuple[list[UserModel], list[PostModel]],
) -> None:
    authors, _ = three_authors
    by_id = {author.id: author for author in authors}
    with recording() as calls:
        page = posts.feed(None, 20)
    assert "BatchGetItem" not in [call.operation for call in calls]
    for entry in page.items:
        author = by_id[entry.post.created_by_id]
        assert (entry.author.id, entry.author.name, entry.author.email) == (
            author.id,
            author.name,
            author.email,
        )


def test_posts_of_a_soft_deleted_author_leave_the_feed(
    three_authors: tuple[list[UserModel], list[PostModel]],
) -> None:
    authors, created = three_authors
    factories.soft_delete_user(authors[1].id)
    remaining = [post for post in created if post.created_by_id != authors[1].id]
    assert feed_ids(10) == newest_first(remaining)


def test_an_empty_feed_has_no_items_and_no_cursor(fresh_tables: dict[str, str]) -> None:
    page = posts.feed(None, 10)
    assert (page.items, page.next_cursor) == ([], None)


def posts_on_shard(author_id: str, shard: int, times: list[datetime], content: str | None) -> list[PostModel]:
    """Posts at ``times`` whose ids hash to ``shard`` (ids are drawn until one lands there)."""
    made = []
    copied = author(author_id)
    for moment in times:
        post = posts.new_post_item(copied, NewPost(name="big", content=content), moment)
        while keys.shard_of(keys.POSTS_TIMELINE, post.id) != shard:
            post = posts.new_post_item(copied, NewPost(name="big", content=content), moment)
        made.append(post)
    return made


def test_pages_stay_newest_first_when_a_shards_query_stops_at_1_mb(
    fresh_tables: dict[str, str], four_post_shards: int
) -> None:
    """Shard 0 holds maximum-size posts, so its Query stops after about a dozen items (1 MB); small
    posts on the other shards interleave with them in time. Every page must still be in order."""
    author = make_user()
    start = utcnow() - timedelta(hours=1)
    largest = "\U0001f383" * 20_000  # 20,000 characters of 4 bytes: 80 KB, the schema's maximum
    big = posts_on_shard(author.id, 0, [start + timedelta(milliseconds=2 * n) for n in range(60)], largest)
    small = [
        post
        for shard in (1, 2, 3)
        for post in posts_on_shard(
            author.id, shard, [start + timedelta(milliseconds=2 * n + 1) for n in range(shard, 60, 3)], None
        )
    ]
    for chunk in range(0, len(big), 5):
        batch_write(PostModel, puts=big[chunk : chunk + 5])
    batch_write(PostModel, puts=small)
    pages = whole_feed(50)
    listed = [entry.post.id for page in pages for entry in page.items]
    assert listed == newest_first([*big, *small])  # strictly newest first, no duplicates, no gaps
    assert all(len(page.items) == 50 for page in pages[:-1])


def test_pages_of_the_one_partition_stay_full_and_in_order_when_its_query_stops_at_1_mb(
    fresh_tables: dict[str, str],
) -> None:
    """Maximum-size posts interleaved with small ones on the posts' one partition: a Query stops after
    about a dozen of them (1 MB), and the page reads on from there rather than answer short."""
    writer = make_user()
    start = utcnow() - timedelta(hours=1)
    largest = "\U0001f383" * 20_000
    big = posts_on_shard(writer.id, 0, [start + timedelta(milliseconds=2 * n) for n in range(40)], largest)
    small = posts_on_shard(writer.id, 0, [start + timedelta(milliseconds=2 * n + 1) for n in range(40)], None)
    for chunk in range(0, len(big), 5):
        batch_write(PostModel, puts=big[chunk : chunk + 5])
    batch_write(PostModel, puts=small)
    pages = whole_feed(30)
    assert [entry.post.id for page in pages for entry in page.items] == newest_first([*big, *small])
    assert [len(page.items) for page in pages] == [30, 30, 20]
