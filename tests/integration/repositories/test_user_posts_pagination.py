"""A user's posts, newest first, page by page: complete, stable in cost, and only with genuine cursors."""

from __future__ import annotations

import pytest

from spooky.db.observe import recording
from spooky.errors import NotFound, ValidationFailed
from spooky.repositories import posts
from spooky.repositories.posts import AuthorPosts
from tests.support.factories import ids, make_user, newest_first, seed_posts


def all_pages(user_id: str, limit: int) -> list[AuthorPosts]:
    pages = [posts.list_user_posts(user_id, None, limit)]
    while pages[-1].next_cursor is not None:
        pages.append(posts.list_user_posts(user_id, pages[-1].next_cursor, limit))
        assert len(pages) < 1000, "paging never ended"
    return pages


def test_paging_to_the_end_returns_every_post_once_newest_first(local_tables: dict[str, str]) -> None:
    user = make_user()
    created = seed_posts(user.id, 120)
    pages = all_pages(user.id, 25)
    assert [len(page.posts) for page in pages] == [25, 25, 25, 25, 20]
    assert [post_id for page in pages for post_id in ids(page.posts)] == newest_first(created)


def test_a_deep_page_costs_what_the_first_page_costs(local_tables: dict[str, str]) -> None:
    user = make_user()
    seed_posts(user.id, 120)
    with recording() as first:
        page = posts.list_user_posts(user.id, None, 10)
    for _ in range(9):
        assert page.next_cursor is not None
        page = posts.list_user_posts(user.id, page.next_cursor, 10)
    with recording() as eleventh:
        deep = posts.list_user_posts(user.id, page.next_cursor, 10)
    assert len(deep.posts) == 10
    # Each page: one Query and the author's GetItem (sent together).
    assert len(eleventh) == len(first) == 2
    # An offset scan would read 110 items here; a cursor reads the page and one more.
    assert sum(call.total_capacity for call in eleventh) == sum(call.total_capacity for call in first)


def test_later_pages_keep_the_authors_name_and_email(local_tables: dict[str, str]) -> None:
    user = make_user(name="Katherine Johnson")
    seed_posts(user.id, 4)
    first = posts.list_user_posts(user.id, None, 2)
    assert first.next_cursor is not None
    second = posts.list_user_posts(user.id, first.next_cursor, 2)
    assert (second.author.id, second.author.name, second.author.email) == (user.id, user.name, user.email)


def test_an_exact_multiple_of_the_page_size_ends_without_an_empty_page(local_tables: dict[str, str]) -> None:
    user = make_user()
    seed_posts(user.id, 20)
    assert [len(page.posts) for page in all_pages(user.id, 10)] == [10, 10]
    assert [len(page.posts) for page in all_pages(user.id, 20)] == [20]


def test_a_user_without_posts_has_one_empty_page(local_tables: dict[str, str]) -> None:
    user = make_user()
    page = posts.list_user_posts(user.id, None, 10)
    assert (page.posts, page.next_cursor, page.author.id) == ([], None, user.id)


def test_an_unknown_user_is_not_found(local_tables: dict[str, str]) -> None:
    with pytest.raises(NotFound):
        posts.list_user_posts("01UNKNOWNUSER0000000000000", None, 10)


def test_a_cursor_of_one_user_is_refused_for_another(local_tables: dict[str, str]) -> None:
    alice, bob = make_user(name="Alice"), make_user(name="Bob")
    seed_posts(alice.id, 3)
    seed_posts(bob.id, 3)
    cursor = posts.list_user_posts(alice.id, None, 1).next_cursor
    assert cursor is not None
    with pytest.raises(ValidationFailed):
        posts.list_user_posts(bob.id, cursor, 1)


@pytest.mark.parametrize("edit", ["flip-payload", "flip-signature", "truncate", "swap-parts"])
def test_an_edited_cursor_is_a_validation_error(local_tables: dict[str, str], edit: str) -> None:
    user = make_user()
    seed_posts(user.id, 3)
    cursor = posts.list_user_posts(user.id, None, 1).next_cursor
    assert cursor is not None
    payload, signature = cursor.split(".")
    edited = {
        "flip-payload": ("B" if payload[5] != "B" else "C").join([payload[:5], payload[6:]])
        + "."
        + signature,
        "flip-signature": payload
        + "."
        + signature[:-2]
        + ("A" if signature[-2] != "A" else "B")
        + signature[-1],
        "truncate": cursor[:-4],
        "swap-parts": signature + "." + payload,
    }[edit]
    with pytest.raises(ValidationFailed):
        posts.list_user_posts(user.id, edited, 1)
