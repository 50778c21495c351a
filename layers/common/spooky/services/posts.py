"""Post use cases: create (the specification's transaction), read, list, edit and soft-delete."""

from __future__ import annotations

from spooky.errors import NotFound
from spooky.idempotency import run_once
from spooky.ids import checked_path_id
from spooky.pagination import check_page_size
from spooky.repositories import posts as post_repository
from spooky.schemas.common import require_changes
from spooky.schemas.pages import PostPage, UserPostsPage
from spooky.schemas.posts import NewPost, PostChanges, PostOut
from spooky.services.mapping import author_out, to_post_out


def create_post(
    author_id: str,
    new_post: NewPost,
    idempotency_key: str | None = None,
    *,
    known: tuple[str, str] | None = None,
) -> PostOut:
    """Create a post; with an Idempotency-Key, a retry returns the first result and writes nothing.

    ``known``: the author's name and email as already read for this request (the authorizer's), which
    the post copies; without them the repository reads the author first.
    """
    author = post_repository.Author(author_id, *known) if known else None

    def execute() -> PostOut:
        return to_post_out(post_repository.create_post(author_id, new_post, author=author))

    payload = new_post.model_dump(mode="json")
    return run_once("create_post", author_id, idempotency_key, payload, execute, PostOut)


def get_post(post_id: str) -> PostOut:
    post = post_repository.get_post(checked_path_id(post_id))
    if post is None:
        raise NotFound("Post not found")
    return to_post_out(post)


def update_post(post_id: str, author_id: str, changes: PostChanges, expected_version: int | None) -> PostOut:
    require_changes(changes)  # else the version would move although nothing changed
    post = post_repository.update_post(checked_path_id(post_id), author_id, changes, expected_version)
    return to_post_out(post)


def delete_post(post_id: str, author_id: str, expected_version: int | None) -> None:
    post_repository.delete_post(checked_path_id(post_id), author_id, expected_version)


def list_user_posts(
    user_id: str, cursor: str | None, limit: int, *, show_email: bool = False
) -> UserPostsPage:
    page = post_repository.list_user_posts(checked_path_id(user_id), cursor, check_page_size(limit))
    author = author_out(page.author, show_email)
    items = [to_post_out(post, author) for post in page.posts]
    return UserPostsPage(items=items, next_cursor=page.next_cursor, author=author)


def feed(cursor: str | None, limit: int, *, show_email: bool = False) -> PostPage:
    page = post_repository.feed(cursor, check_page_size(limit))
    return PostPage(
        items=[to_post_out(entry.post, author_out(entry.author, show_email)) for entry in page.items],
        next_cursor=page.next_cursor,
    )
