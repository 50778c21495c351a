"""Each of the seed's access patterns costs exactly one DynamoDB request (counted with botocore hooks)."""

from __future__ import annotations

from spooky.db.observe import Observation, recording
from spooky.repositories import posts, users
from spooky.schemas.common import normalize_email
from spooky.schemas.posts import NewPost
from spooky.schemas.users import NewUser, UserChanges
from tests.support import factories
from tests.support.factories import (
    make_user,
    newest_first,
    open_session,
    seed_posts,
    unique_email,
)


def operations(calls: list[Observation]) -> list[tuple[str, str | None]]:
    return [(call.operation, call.index_name) for call in calls]


def test_user_with_10_newest_posts_is_one_query(local_tables: dict[str, str]) -> None:
    user = make_user(name="Grace Hopper")
    created = seed_posts(user.id, 14)
    with recording() as calls:
        profile, latest = users.get_profile(user.id)
    assert operations(calls) == [("Query", "UserPosts")]
    assert (profile.id, profile.name) == (user.id, "Grace Hopper")
    assert [post.id for post in latest] == newest_first(created)[:10]


def test_a_user_without_posts_is_still_one_query(local_tables: dict[str, str]) -> None:
    user = make_user()
    with recording() as calls:
        profile, latest = users.get_profile(user.id)
    assert len(calls) == 1
    assert (profile.id, latest) == (user.id, [])


def test_every_page_of_a_users_posts_is_one_query_and_one_author_read_sent_together(
    local_tables: dict[str, str],
) -> None:
    # The author read (a strongly consistent GetItem) is what hides a deleted author's posts at once.
    user = make_user(name="Alan Turing")
    seed_posts(user.id, 30)
    cursor: str | None = None
    for _ in range(3):
        with recording() as calls:
            page = posts.list_user_posts(user.id, cursor, 10)
        assert sorted(operations(calls)) == [("GetItem", None), ("Query", "UserPosts")]
        assert (page.author.name, page.author.email) == ("Alan Turing", user.email)
        assert len(page.posts) == 10
        cursor = page.next_cursor


def test_the_seed_transaction_is_one_request(local_tables: dict[str, str]) -> None:
    # With the author as the authorizer read them (POST /posts), whom the post copies.
    user = make_user()
    with recording() as calls:
        posts.create_post(
            user.id, NewPost(name="New Post"), UserChanges(last_name="Lovelace"), author=posts.author_of(user)
        )
    assert operations(calls) == [("TransactWriteItems", None)]
    assert calls[0].tables == (local_tables["AppTable"],)


def test_without_the_authorizers_copy_the_seed_transaction_reads_the_author_first(
    local_tables: dict[str, str],
) -> None:
    user = make_user(name="Ada")
    with recording() as calls:
        post = posts.create_post(user.id, NewPost(name="New Post"))
    assert operations(calls) == [("GetItem", None), ("TransactWriteItems", None)]
    assert (post.author_name, post.author_email) == ("Ada", user.email)


def test_sign_up_with_its_email_claim_is_one_request(local_tables: dict[str, str]) -> None:
    with recording() as calls:
        factories.create_user(NewUser(name="Ada", email=unique_email()), password_hash="hash")
    assert operations(calls) == [("TransactWriteItems", None)]


def test_email_lookup_is_one_get_whatever_the_case(local_tables: dict[str, str]) -> None:
    email = unique_email("Mixed.Case")
    user = make_user(email=email)
    with recording() as calls:
        found = factories.find_user_id_by_email(normalize_email(email.upper()))
    assert operations(calls) == [("GetItem", None)]
    assert found == user.id


def test_session_and_user_lookup_by_token_is_one_batch_get(local_tables: dict[str, str]) -> None:
    user = make_user()
    token = open_session(user.id)
    with recording() as calls:
        found = factories.get_session_with_user(token)
    assert operations(calls) == [("BatchGetItem", None)]
    assert found is not None
    assert found.user.id == user.id


def test_a_feed_page_is_one_query_of_its_partition_and_one_of_the_deleted_authors(
    fresh_tables: dict[str, str],
) -> None:
    # Sent together: the posts carry their authors, and the deleted authors' list is what hides a
    # deleted user's posts at once (strongly consistent).
    seed_posts(make_user().id, 3)
    with recording() as calls:
        posts.feed(None, 5)
    assert len(calls) == 2
    assert set(operations(calls)) == {("Query", "Timeline"), ("Query", None)}
