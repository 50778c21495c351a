"""batch_get / batch_write: unprocessed keys and items are retried until done, in chunks DynamoDB accepts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pynamodb.models import Model

from spooky.clock import utcnow
from spooky.db import batch
from spooky.db.batch import BATCH_GET_LIMIT, BATCH_WRITE_LIMIT, MAX_ROUNDS, batch_get, batch_write, raw_client
from spooky.errors import ServiceUnavailable
from spooky.models.app import EmailClaimModel, UserModel
from spooky.settings import get_settings
from tests.support.stubs import StubbedClient


def stubbed(monkeypatch: pytest.MonkeyPatch, model: type[Model]) -> Iterator[StubbedClient]:
    monkeypatch.setattr(batch, "BASE_DELAY_SECONDS", 0.0)
    client = StubbedClient(raw_client(model))
    with client.stubber:
        yield client
        client.stubber.assert_no_pending_responses()


@pytest.fixture
def dynamo(monkeypatch: pytest.MonkeyPatch) -> Iterator[StubbedClient]:
    """The users' client (each model class keeps its own)."""
    yield from stubbed(monkeypatch, UserModel)


@pytest.fixture
def claims_dynamo(monkeypatch: pytest.MonkeyPatch) -> Iterator[StubbedClient]:
    yield from stubbed(monkeypatch, EmailClaimModel)


def table() -> str:
    return get_settings().app_table_name


def user_key(user_id: str) -> dict[str, Any]:
    pk, sk = UserModel.key(user_id)
    return {"pk": {"S": pk}, "sk": {"S": sk}}


def user_item(user_id: str) -> dict[str, Any]:
    return {**user_key(user_id), "id": {"S": user_id}, "name": {"S": f"name of {user_id}"}}


def requested_ids(request: dict[str, Any]) -> list[str]:
    return [key["pk"]["S"].removeprefix("USER#") for key in request["RequestItems"][table()]["Keys"]]


def test_batch_get_retries_unprocessed_keys_and_keeps_the_callers_order(dynamo: StubbedClient) -> None:
    dynamo.respond(
        "batch_get_item",
        {"Responses": {table(): [user_item("B")]}, "UnprocessedKeys": {table(): {"Keys": [user_key("A")]}}},
    )
    dynamo.respond("batch_get_item", {"Responses": {table(): [user_item("A")]}})
    users = batch_get(UserModel, [UserModel.key("A"), UserModel.key("B"), UserModel.key("missing")])
    assert [user.id for user in users] == ["A", "B"]
    assert [requested_ids(request) for request in dynamo.sent("BatchGetItem")] == [
        ["A", "B", "missing"],
        ["A"],
    ]


def test_batch_get_gives_up_with_service_unavailable_when_keys_stay_unprocessed(
    dynamo: StubbedClient,
) -> None:
    for _ in range(MAX_ROUNDS):
        dynamo.respond("batch_get_item", {"UnprocessedKeys": {table(): {"Keys": [user_key("A")]}}})
    with pytest.raises(ServiceUnavailable):
        batch_get(UserModel, [UserModel.key("A")])


def test_batch_get_splits_more_than_100_keys_and_reads_each_key_once(dynamo: StubbedClient) -> None:
    ids = [f"U{n:03}" for n in range(BATCH_GET_LIMIT + 20)]
    dynamo.respond("batch_get_item", {"Responses": {table(): []}})
    dynamo.respond("batch_get_item", {"Responses": {table(): []}})
    batch_get(UserModel, [UserModel.key(user_id) for user_id in ids + ids[:5]])
    assert [len(requested_ids(request)) for request in dynamo.sent("BatchGetItem")] == [BATCH_GET_LIMIT, 20]


def test_batch_get_projects_reserved_word_attributes_through_placeholders(dynamo: StubbedClient) -> None:
    dynamo.respond("batch_get_item", {"Responses": {table(): []}})
    batch_get(UserModel, [UserModel.key("A")], ["name", "email"])
    request = dynamo.sent("BatchGetItem")[0]["RequestItems"][table()]
    names = {request["ExpressionAttributeNames"][ref] for ref in request["ProjectionExpression"].split(", ")}
    assert names == {"name", "email", "pk", "sk"}


def claims(count: int) -> list[EmailClaimModel]:
    now = utcnow()
    return [
        EmailClaimModel(*EmailClaimModel.key(f"u{n}@example.com"), user_id=f"U{n}", created_at=now)
        for n in range(count)
    ]


def test_batch_write_retries_unprocessed_items(claims_dynamo: StubbedClient) -> None:
    items = claims(3)
    leftover = {"PutRequest": {"Item": items[2].serialize()}}
    claims_dynamo.respond("batch_write_item", {"UnprocessedItems": {table(): [leftover]}})
    claims_dynamo.respond("batch_write_item", {"UnprocessedItems": {}})
    batch_write(EmailClaimModel, puts=items)
    sent = [request["RequestItems"][table()] for request in claims_dynamo.sent("BatchWriteItem")]
    assert [len(requests) for requests in sent] == [3, 1]
    assert sent[1] == [leftover]


def test_batch_write_sends_at_most_25_requests_at_a_time(claims_dynamo: StubbedClient) -> None:
    items = claims(BATCH_WRITE_LIMIT + 5)
    claims_dynamo.respond("batch_write_item", {})
    claims_dynamo.respond("batch_write_item", {})
    batch_write(EmailClaimModel, deletes=items)
    sent = [request["RequestItems"][table()] for request in claims_dynamo.sent("BatchWriteItem")]
    assert [len(requests) for requests in sent] == [BATCH_WRITE_LIMIT, 5]
    assert sent[0][0] == {
        "DeleteRequest": {"Key": {"pk": {"S": "EMAIL#u0@example.com"}, "sk": {"S": "EMAIL"}}}
    }


def test_batch_write_gives_up_with_service_unavailable(claims_dynamo: StubbedClient) -> None:
    item = claims(1)[0]
    for _ in range(MAX_ROUNDS):
        claims_dynamo.respond(
            "batch_write_item", {"UnprocessedItems": {table(): [{"PutRequest": {"Item": item.serialize()}}]}}
        )
    with pytest.raises(ServiceUnavailable):
        batch_write(EmailClaimModel, puts=[item])
