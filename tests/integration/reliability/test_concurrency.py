"""Racing writers on DynamoDB Local (moto is not safe for this): no lost update, no broken counter."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from spooky.errors import PreconditionFailed
from spooky.ids import new_id
from spooky.repositories import posts, users
from spooky.schemas.posts import NewPost, PostChanges
from spooky.schemas.users import NewUser
from tests.support import factories

WRITERS = 12


@pytest.fixture
def author(local_tables: dict[str, str]) -> str:
    return factories.create_user(NewUser(name="Gomez", email=f"g-{new_id()}@example.com"), None).id


def test_of_concurrent_updates_at_one_version_exactly_one_wins(author: str) -> None:
    post = posts.create_post(author, NewPost(name="v1"))

    def update(writer: int) -> str:
        try:
            posts.update_post(post.id, author, PostChanges(name=f"writer {writer}"), expected_version=1)
        except PreconditionFailed:
            return "refused"
        return f"writer {writer}"

    with ThreadPoolExecutor(WRITERS) as pool:
        outcomes = list(pool.map(update, range(WRITERS)))

    winners = [outcome for outcome in outcomes if outcome != "refused"]
    assert len(winners) == 1
    stored = posts.get_post(post.id)
    assert stored is not None
    assert stored.name == winners[0]
    assert stored.version == 2


def test_updates_that_retry_on_refusal_are_all_applied(author: str) -> None:
    """Clients that re-read and retry after 412 lose nothing: every writer's change lands once."""
    post = posts.create_post(author, NewPost(name="counter", content=""))

    def append(writer: int) -> None:
        # Each refusal means another writer landed, so 6 writers need at most 6 attempts; the bound
        # turns a livelock into a failure instead of a hung run.
        for _attempt in range(50):
            current = posts.get_post(post.id)
            assert current is not None
            content = f"{current.content or ''}[{writer}]"
            try:
                posts.update_post(
                    post.id, author, PostChanges(content=content), expected_version=current.version
                )
            except PreconditionFailed:
                continue
            return
        raise AssertionError(f"writer {writer} was refused 50 times")

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(append, range(6)))

    stored = posts.get_post(post.id)
    assert stored is not None
    assert sorted(stored.content.strip("[]").split("][")) == [str(i) for i in range(6)]  # type: ignore[union-attr]
    assert stored.version == 7


def test_concurrent_creates_and_deletes_keep_post_count_exact(author: str) -> None:
    with ThreadPoolExecutor(WRITERS) as pool:
        created = list(
            pool.map(lambda i: posts.create_post(author, NewPost(name=f"p{i}")), range(WRITERS * 2))
        )
    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(lambda post: posts.delete_post(post.id, author, None), created[:WRITERS]))

    user = users.get_user(author, consistent=True)
    assert user is not None
    assert user.post_count == WRITERS
    listed = posts.list_user_posts(author, None, 100)
    assert len(listed.posts) == WRITERS
