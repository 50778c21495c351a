"""Account deletion end to end: hidden at once, purged by TTL and the stream after the grace period."""

from __future__ import annotations

from typing import Any

import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from devtools.functions import load_handler
from devtools.lambda_context import LocalLambdaContext
from spooky.db.observe import recording
from spooky.ids import new_id
from spooky.models import keys
from spooky.models.app import AccountModel, DeletedAuthorModel, EmailClaimModel, PostModel, UserModel
from spooky.models.auth import SessionModel
from spooky.repositories import posts, users
from spooky.repositories.deleted_authors import hidden_author_ids
from spooky.schemas.posts import NewPost
from spooky.schemas.users import NewUser
from tests.integration.conftest import LocalDynamo
from tests.support import factories
from tests.support.factories import open_session
from tests.support.streams import TableStream, as_ttl_deletion, lambda_event


def exists(model: Any, *key: str) -> bool:
    return bool(model.count(key[0], model.sk == key[1], consistent_read=True))


def expire(client: Any, table: str, key: tuple[str, str]) -> None:
    """What TTL does once the grace period is over.

    DynamoDB Local never expires items of a table with a global secondary index (measured: nothing
    after minutes, while a table without one expires in seconds), so the test deletes the profile
    itself and the stream record is given the TTL identity the service would send.
    """
    client.delete_item(TableName=table, Key={"pk": {"S": key[0]}, "sk": {"S": key[1]}})


def test_a_deleted_account_is_hidden_at_once_and_purged_after_the_grace_period(
    fresh_tables: dict[str, str], local_dynamo: LocalDynamo
) -> None:
    email = f"lurch-{new_id()}@example.com"
    user = factories.create_user(NewUser(name="Lurch", email=email), "$argon2id$hash")
    post_ids = [posts.create_post(user.id, NewPost(name=f"You rang? {n}")).id for n in range(3)]
    token = open_session(user.id)
    neighbour = factories.create_user(NewUser(name="Thing", email=f"thing-{new_id()}@example.com"), None)
    neighbours_post = posts.create_post(neighbour.id, NewPost(name="Handy tips")).id
    stream = TableStream(local_dynamo.endpoint, fresh_tables["AppTable"])
    stream.read()

    deleted_at = factories.soft_delete_user(user.id)
    stream.read()

    assert users.get_user(user.id) is None
    profile = UserModel.get(*UserModel.key(user.id), consistent_read=True)
    assert profile.ttl == (deleted_at + users.DELETION_GRACE).replace(microsecond=0)
    assert exists(PostModel, *PostModel.key(post_ids[0]))  # nothing is purged during the grace period

    expire(local_dynamo.client(), fresh_tables["AppTable"], UserModel.key(user.id))
    (removal,) = stream.read()
    purge = load_handler("RetentionPurgeFunction")
    event = lambda_event([as_ttl_deletion(removal)])

    assert purge(event, LocalLambdaContext("RetentionPurgeFunction")) == {"batchItemFailures": []}
    # A redelivery finds nothing left to purge and fails nothing.
    assert purge(event, LocalLambdaContext("RetentionPurgeFunction")) == {"batchItemFailures": []}
    assert not any(exists(PostModel, *PostModel.key(post_id)) for post_id in post_ids)
    assert not exists(AccountModel, *AccountModel.key(user.id, "credential", user.id))
    assert not exists(EmailClaimModel, *EmailClaimModel.key(email))
    assert not exists(SessionModel, *SessionModel.key(user.id, token.session_id))
    assert posts.get_post(neighbours_post) is not None
    # The address is free again.
    assert factories.create_user(NewUser(name="Lurch II", email=email), None).id != user.id


def test_a_deleted_users_posts_leave_the_indexes_soon_and_are_still_purged(
    fresh_tables: dict[str, str], local_dynamo: LocalDynamo
) -> None:
    """The soft delete's stream record retires the user's posts from both listings, so reads stop
    skipping them; the purge after the grace period still finds and deletes them."""
    user = factories.create_user(NewUser(name="Fester", email=f"fester-{new_id()}@example.com"), None)
    post_ids = [posts.create_post(user.id, NewPost(name=f"Bulb {n}")).id for n in range(3)]
    neighbour = factories.create_user(NewUser(name="Itt", email=f"itt-{new_id()}@example.com"), None)
    kept = posts.create_post(neighbour.id, NewPost(name="Hair care")).id
    stream = TableStream(local_dynamo.endpoint, fresh_tables["AppTable"])
    stream.read()
    factories.soft_delete_user(user.id)
    (deletion,) = [record for record in stream.read() if record["eventName"] == "MODIFY"]
    purge = load_handler("RetentionPurgeFunction")

    assert purge(lambda_event([deletion]), LocalLambdaContext("RetentionPurgeFunction")) == {
        "batchItemFailures": []
    }
    stored = [PostModel.get(*PostModel.key(post_id), consistent_read=True) for post_id in post_ids]
    assert all(post.gsi2pk is None and str(post.gsi1sk).startswith("RETIRED#") for post in stored)
    assert all(post.deleted_at is None for post in stored)  # kept intact for a restore
    with recording() as calls:
        feed = posts.feed(None, 10)
    assert [entry.post.id for entry in feed.items] == [kept]
    assert len(calls) == 2  # nothing left to skip: the Timeline Query and the deleted authors' Query
    # The feed's entry for the user now lapses after the grace (the index may still lag a moment).
    assert not exists(DeletedAuthorModel, *DeletedAuthorModel.key(user.id))
    assert user.id in hidden_author_ids()

    expire(local_dynamo.client(), fresh_tables["AppTable"], UserModel.key(user.id))
    removal = profile_removal(stream.read())
    purge(lambda_event([as_ttl_deletion(removal)]), LocalLambdaContext("RetentionPurgeFunction"))
    assert not any(exists(PostModel, *PostModel.key(post_id)) for post_id in post_ids)


def profile_removal(records: list[dict[str, Any]]) -> dict[str, Any]:
    """The profile's REMOVE (the template's filter passes only those; the job also removes other items)."""
    return next(
        record
        for record in records
        if record["eventName"] == "REMOVE" and record["dynamodb"]["Keys"]["sk"]["S"] == keys.PROFILE_SK
    )


def test_the_feed_keeps_hiding_a_deleted_user_while_the_index_has_not_shown_every_post(
    fresh_tables: dict[str, str], local_dynamo: LocalDynamo
) -> None:
    """postCount says how many posts must be retired: fewer seen in the index (as when it lags) fails
    the record, so it is retried, and the user stays hidden until every post is retired."""
    user = factories.create_user(NewUser(name="Cousin Itt", email=f"itt-{new_id()}@example.com"), None)
    posts.create_post(user.id, NewPost(name="Hair"))
    UserModel(*UserModel.key(user.id)).update([UserModel.post_count.add(1)])  # one the index never showed
    stream = TableStream(local_dynamo.endpoint, fresh_tables["AppTable"])
    stream.read()
    factories.soft_delete_user(user.id)
    (deletion,) = [record for record in stream.read() if record["eventName"] == "MODIFY"]
    purge = load_handler("RetentionPurgeFunction")

    with pytest.raises(BatchProcessingError, match="index lists 1 of the 2 retired posts"):
        purge(lambda_event([deletion]), LocalLambdaContext("RetentionPurgeFunction"))  # retried by Lambda

    assert exists(DeletedAuthorModel, *DeletedAuthorModel.key(user.id))  # still pending
    assert user.id in hidden_author_ids()


def test_the_purge_removes_an_entry_left_pending(
    fresh_tables: dict[str, str], local_dynamo: LocalDynamo
) -> None:
    user = factories.create_user(NewUser(name="Grandmama", email=f"gm-{new_id()}@example.com"), None)
    stream = TableStream(local_dynamo.endpoint, fresh_tables["AppTable"])
    factories.soft_delete_user(user.id)  # its retirement never ran
    stream.read()
    expire(local_dynamo.client(), fresh_tables["AppTable"], UserModel.key(user.id))
    removal = profile_removal(stream.read())
    purge = load_handler("RetentionPurgeFunction")
    assert purge(lambda_event([as_ttl_deletion(removal)]), LocalLambdaContext("RetentionPurgeFunction")) == {
        "batchItemFailures": []
    }
    assert not exists(DeletedAuthorModel, *DeletedAuthorModel.key(user.id))
