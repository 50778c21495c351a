"""Posts carry a copy of their author (what the feed shows): exact when written, kept in step after a
rename by the AppTable stream (RetentionPurgeFunction), never rolled back by a late record."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from devtools.events import authorizer_event, rest_event
from devtools.functions import load_handler
from devtools.lambda_context import LocalLambdaContext
from spooky.db.observe import recording
from spooky.ids import new_id
from spooky.models.app import PostModel, UserModel
from spooky.repositories import posts, users
from spooky.schemas.posts import NewPost
from spooky.schemas.users import NewUser, UserChanges
from spooky_jobs.repositories.authors import refresh_author_copies
from spooky_jobs.repositories.post_rewrites import IndexLagging
from tests.integration.conftest import LocalDynamo
from tests.support import factories
from tests.support.factories import open_session
from tests.support.streams import TableStream, lambda_event


def copies(post_ids: list[str]) -> set[tuple[str | None, str | None]]:
    stored = [PostModel.get(*PostModel.key(post_id), consistent_read=True) for post_id in post_ids]
    return {(post.author_name, post.author_email) for post in stored}


def new_user(name: str) -> UserModel:
    return factories.create_user(
        NewUser(name=name, email=f"{name.lower()}-{new_id().lower()}@example.com"), None
    )


@pytest.fixture
def stream(fresh_tables: dict[str, str], local_dynamo: LocalDynamo) -> TableStream:
    return TableStream(local_dynamo.endpoint, fresh_tables["AppTable"])


def run_job(records: list[dict[str, Any]]) -> dict[str, Any]:
    handler = load_handler("RetentionPurgeFunction")
    answer: dict[str, Any] = handler(lambda_event(records), LocalLambdaContext("RetentionPurgeFunction"))
    return answer


def modifications(stream: TableStream) -> list[dict[str, Any]]:
    """New MODIFY records of profiles (what the template's filter passes for renames)."""
    return [
        record
        for record in stream.read()
        if record["eventName"] == "MODIFY" and record["dynamodb"]["Keys"]["sk"]["S"] == "PROFILE"
    ]


def test_a_rename_reaches_every_post_of_the_author_and_the_feed(stream: TableStream) -> None:
    author, other = new_user("Morticia"), new_user("Lurch")
    own = [posts.create_post(author.id, NewPost(name=f"Rose {n}")).id for n in range(3)]
    theirs = posts.create_post(other.id, NewPost(name="You rang?")).id
    stream.read()

    users.update_user(author.id, UserChanges(name="Morticia Addams"))
    assert run_job(modifications(stream)) == {"batchItemFailures": []}

    assert copies(own) == {("Morticia Addams", author.email)}
    assert copies([theirs]) == {("Lurch", other.email)}
    names = {entry.author.id: entry.author.name for entry in posts.feed(None, 10).items}
    assert names == {author.id: "Morticia Addams", other.id: "Lurch"}
    assert refresh_author_copies(author.id) == 0  # a redelivery finds nothing to write


def test_a_late_record_of_an_earlier_rename_writes_the_current_name(stream: TableStream) -> None:
    author = new_user("Gomez")
    post_id = posts.create_post(author.id, NewPost(name="Trains")).id
    stream.read()
    users.update_user(author.id, UserChanges(name="Gomez A."))
    first_rename = modifications(stream)
    users.update_user(author.id, UserChanges(name="Gomez Addams"))

    assert run_job(first_rename) == {"batchItemFailures": []}

    assert copies([post_id]) == {("Gomez Addams", author.email)}


def test_changes_other_than_a_name_write_no_post(stream: TableStream) -> None:
    author = new_user("Pugsley")
    post_id = posts.create_post(author.id, NewPost(name="Explosives")).id  # postCount moves: a MODIFY
    records = modifications(stream)
    users.update_user(author.id, UserChanges(last_name="Addams"))
    records += modifications(stream)

    with recording() as calls:
        assert run_job(records) == {"batchItemFailures": []}

    assert [call.operation for call in calls] == []
    assert copies([post_id]) == {("Pugsley", author.email)}


def test_post_posts_copies_the_author_the_authorizer_read_in_one_request(
    local_tables: dict[str, str],
) -> None:
    """The authorizer hands the name and email it read to the function: the post needs no author read."""
    author = new_user("Lurch")
    token = open_session(author.id)
    headers = {"Authorization": f"Bearer {token.value}"}
    policy = load_handler("SessionAuthorizerFunction")(
        authorizer_event(rest_event("POST", "/posts", "/posts", headers=headers)),
        LocalLambdaContext("authorizer"),
    )
    assert (policy["context"]["userName"], policy["context"]["userEmail"]) == ("Lurch", author.email)
    request = rest_event(
        "POST",
        "/posts",
        "/posts",
        body={"name": "You rang?"},
        authorizer={"principalId": author.id, **policy["context"]},
    )

    with recording() as calls:
        reply = load_handler("CreatePostFunction")(request, LocalLambdaContext("CreatePostFunction"))

    assert reply["statusCode"] == 201
    assert [call.operation for call in calls] == ["TransactWriteItems"]
    assert copies([json.loads(reply["body"])["id"]]) == {("Lurch", author.email)}


def test_a_post_whose_author_was_renamed_since_the_authorizer_read_them_copies_the_new_name(
    local_tables: dict[str, str],
) -> None:
    author = new_user("Wednesday")
    as_authorized = posts.author_of(author)
    users.update_user(author.id, UserChanges(name="Wednesday Addams"))

    with recording() as calls:
        post = posts.create_post(author.id, NewPost(name="Fencing"), author=as_authorized)

    assert [call.operation for call in calls] == ["TransactWriteItems", "GetItem", "TransactWriteItems"]
    assert copies([post.id]) == {("Wednesday Addams", author.email)}


def test_a_name_given_with_the_post_is_the_name_it_copies(local_tables: dict[str, str]) -> None:
    author = new_user("Thing")
    post = posts.create_post(
        author.id, NewPost(name="Handy"), UserChanges(name="Thing T. Thing"), author=posts.author_of(author)
    )
    assert copies([post.id]) == {("Thing T. Thing", author.email)}
    assert UserModel.get(*UserModel.key(author.id), consistent_read=True).name == "Thing T. Thing"


def test_a_rename_the_index_has_not_caught_up_with_is_retried(stream: TableStream) -> None:
    """postCount says how many posts to refresh: fewer in the index (as when it lags) fails the record."""
    author = new_user("Fester")
    posts.create_post(author.id, NewPost(name="Bulb"))
    UserModel(*UserModel.key(author.id)).update([UserModel.post_count.add(1)])  # one the index never showed
    stream.read()
    users.update_user(author.id, UserChanges(name="Uncle Fester"))

    with pytest.raises(IndexLagging):
        refresh_author_copies(author.id)
    (rename,) = modifications(stream)
    with pytest.raises(BatchProcessingError, match="index lists 1 of the 2 posts"):
        run_job([rename])  # the whole batch failed: Lambda retries it
