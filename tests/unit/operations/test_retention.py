"""Which stream records start a purge (only TTL removing a soft-deleted profile), the retirement of a
deleted user's posts (only the soft delete) and the refresh of an author's copies (only a rename)."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from devtools.template import ROOT
from spooky_jobs.authors import renamed_user_id
from spooky_jobs.retention import ExpiredUser, deleted_user, expired_user


def ttl_removal() -> dict[str, Any]:
    record: dict[str, Any] = json.loads((ROOT / "events" / "retention_purge.json").read_text())["Records"][0]
    return record


def test_ttl_removing_a_soft_deleted_profile_names_the_user_to_purge() -> None:
    assert expired_user(DynamoDBRecord(ttl_removal())) == ExpiredUser(
        "01JDQ7Z4X2M8K5V3N6P9R0T1WA", "casper@example.com"
    )


def removed_by_a_person(record: dict[str, Any]) -> None:
    del record["userIdentity"]


def live_profile(record: dict[str, Any]) -> None:
    del record["dynamodb"]["OldImage"]["deletedAt"]


def an_expired_session(record: dict[str, Any]) -> None:
    record["dynamodb"]["Keys"] = {"pk": {"S": "SESSION#abc"}, "sk": {"S": "SESSION"}}


def a_modification(record: dict[str, Any]) -> None:
    record["eventName"] = "MODIFY"


@pytest.mark.parametrize("change", [removed_by_a_person, live_profile, an_expired_session, a_modification])
def test_nothing_else_purges(change: Any) -> None:
    record = copy.deepcopy(ttl_removal())
    change(record)

    assert expired_user(DynamoDBRecord(record)) is None


def soft_delete() -> dict[str, Any]:
    """The stream record of delete-user: a MODIFY of the profile that sets deletedAt."""
    record = copy.deepcopy(ttl_removal())
    before = {key: value for key, value in record["dynamodb"]["OldImage"].items() if key != "deletedAt"}
    record["eventName"] = "MODIFY"
    del record["userIdentity"]
    record["dynamodb"]["NewImage"], record["dynamodb"]["OldImage"] = record["dynamodb"]["OldImage"], before
    return record


def test_a_soft_delete_names_the_user_whose_posts_to_retire() -> None:
    found = deleted_user(DynamoDBRecord(soft_delete()))
    assert found is not None
    assert (found.user_id, found.deleted_at.isoformat(), found.post_count) == (
        "01JDQ7Z4X2M8K5V3N6P9R0T1WA",
        "2026-10-26T09:00:00+00:00",
        0,
    )
    assert expired_user(DynamoDBRecord(soft_delete())) is None  # and purges nothing yet
    assert renamed_user_id(DynamoDBRecord(soft_delete())) is None  # nor refreshes copies


def already_deleted(record: dict[str, Any]) -> None:
    record["dynamodb"]["OldImage"]["deletedAt"] = record["dynamodb"]["NewImage"]["deletedAt"]


def restored(record: dict[str, Any]) -> None:
    record["dynamodb"]["OldImage"], record["dynamodb"]["NewImage"] = (
        record["dynamodb"]["NewImage"],
        record["dynamodb"]["OldImage"],
    )


def a_post(record: dict[str, Any]) -> None:
    record["dynamodb"]["Keys"] = {"pk": {"S": "POST#abc"}, "sk": {"S": "POST"}}


@pytest.mark.parametrize("change", [already_deleted, restored, a_post])
def test_no_other_change_retires_posts(change: Any) -> None:
    record = soft_delete()
    change(record)

    assert deleted_user(DynamoDBRecord(record)) is None
    assert deleted_user(DynamoDBRecord(ttl_removal())) is None


def rename() -> dict[str, Any]:
    """The stream record of update-user changing the name of a live user."""
    record = soft_delete()
    before = record["dynamodb"]["OldImage"]
    record["dynamodb"]["NewImage"] = {**before, "name": {"S": "Casper the Friendly"}}
    return record


def test_a_rename_names_the_author_whose_copies_to_refresh() -> None:
    assert renamed_user_id(DynamoDBRecord(rename())) == "01JDQ7Z4X2M8K5V3N6P9R0T1WA"
    assert deleted_user(DynamoDBRecord(rename())) is None


def same_name(record: dict[str, Any]) -> None:
    record["dynamodb"]["NewImage"]["name"] = record["dynamodb"]["OldImage"]["name"]
    record["dynamodb"]["NewImage"]["postCount"] = {"N": "4"}  # e.g. a new post


def of_a_deleted_user(record: dict[str, Any]) -> None:
    record["dynamodb"]["NewImage"]["deletedAt"] = {"S": "2026-10-26T09:00:00.000000+0000"}


@pytest.mark.parametrize("change", [same_name, a_post, of_a_deleted_user])
def test_no_other_change_refreshes_copies(change: Any) -> None:
    record = rename()
    change(record)

    assert renamed_user_id(DynamoDBRecord(record)) is None


def test_records_the_purge_fails_are_retried_and_counted(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from devtools.functions import load_handler, load_module
    from devtools.lambda_context import LocalLambdaContext
    from tests.support.emf import emitted

    failing, passing = ttl_removal(), copy.deepcopy(ttl_removal())
    passing["eventID"] = f"{failing['eventID']}-2"

    def fails_on_the_first(record: DynamoDBRecord) -> None:
        if record.event_id == failing["eventID"]:
            raise ConnectionError("DynamoDB unreachable")

    monkeypatch.setattr(load_module("RetentionPurgeFunction"), "purge_expired_user", fails_on_the_first)
    event = {"Records": [failing, passing]}

    response = load_handler("RetentionPurgeFunction")(event, LocalLambdaContext("RetentionPurgeFunction"))

    # A partial-batch failure is not a Lambda error: only this metric (RetentionPurgeFailuresAlarm) sees it.
    assert len(response["batchItemFailures"]) == 1
    assert emitted(capsys.readouterr().out)["RetentionPurgeFailures"] == [1.0]
