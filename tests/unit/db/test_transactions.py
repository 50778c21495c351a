"""run_transaction: conflicts and throttling are retried, failed conditions are named by label.

DynamoDB Local and moto never return TransactionConflict or throttling, so botocore's Stubber plays
DynamoDB here (no request leaves the process).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pynamodb.exceptions import TransactWriteError

from spooky.clock import utcnow
from spooky.db import transactions
from spooky.db.connection import transaction_connection
from spooky.db.observe import Observation, recording
from spooky.db.transactions import MAX_ATTEMPTS, Transaction, TransactionCancelled, run_transaction
from spooky.errors import Conflict, ServiceUnavailable
from spooky.models.app import EmailClaimModel, PostModel, UserModel
from tests.support.stubs import StubbedClient


class StubbedDynamo(StubbedClient):
    """The transaction client, stubbed."""

    def __init__(self) -> None:
        super().__init__(transaction_connection().client)

    @property
    def transactions(self) -> list[dict[str, Any]]:
        return self.sent("TransactWriteItems")

    def cancel(self, *codes: str) -> None:
        reasons = [{"Code": code} for code in codes]
        self.fail("transact_write_items", "TransactionCanceledException", CancellationReasons=reasons)

    def reject(self, code: str) -> None:
        self.fail("transact_write_items", code)

    def succeed(self) -> None:
        self.respond("transact_write_items", {})


@pytest.fixture
def dynamo(monkeypatch: pytest.MonkeyPatch) -> Iterator[StubbedDynamo]:
    monkeypatch.setattr(transactions, "BASE_DELAY_SECONDS", 0.0)
    stubbed = StubbedDynamo()
    with stubbed.stubber:
        yield stubbed
        stubbed.stubber.assert_no_pending_responses()


def two_items(tx: Transaction) -> None:
    """A put and an update: the shape of the seed's transaction."""
    tx.put(
        "claim", EmailClaimModel(*EmailClaimModel.key("ada@example.com"), user_id="U1", created_at=utcnow())
    )
    tx.update("user", UserModel(*UserModel.key("U1")), [UserModel.post_count.add(1)])


def requests_made(calls: list[Observation]) -> int:
    return sum(1 for call in calls if call.operation == "TransactWriteItems")


def test_a_transaction_conflict_is_retried_then_succeeds(dynamo: StubbedDynamo) -> None:
    dynamo.cancel("TransactionConflict", "None")
    dynamo.cancel("None", "TransactionConflict")
    dynamo.succeed()
    with recording() as calls:
        run_transaction(two_items)
    assert requests_made(calls) == 3


def test_a_retry_reuses_the_idempotency_token(dynamo: StubbedDynamo) -> None:
    dynamo.cancel("TransactionConflict", "None")
    dynamo.succeed()
    run_transaction(two_items, client_request_token="request-1")
    assert [request["ClientRequestToken"] for request in dynamo.transactions] == ["request-1", "request-1"]


def test_a_persistent_conflict_becomes_a_conflict_error(dynamo: StubbedDynamo) -> None:
    for _ in range(MAX_ATTEMPTS):
        dynamo.cancel("None", "TransactionConflict")
    with recording() as calls, pytest.raises(Conflict) as caught:
        run_transaction(two_items)
    assert not isinstance(caught.value, TransactionCancelled)
    assert requests_made(calls) == MAX_ATTEMPTS


@pytest.mark.parametrize("code", ["TransactionConflictException", "TransactionInProgressException"])
def test_persistent_in_progress_or_conflict_exceptions_become_conflict(
    dynamo: StubbedDynamo, code: str
) -> None:
    for _ in range(MAX_ATTEMPTS):
        dynamo.reject(code)
    with pytest.raises(Conflict):
        run_transaction(two_items)


@pytest.mark.parametrize("code", ["ThrottlingException", "ProvisionedThroughputExceededException"])
def test_persistent_throttling_becomes_service_unavailable(dynamo: StubbedDynamo, code: str) -> None:
    for _ in range(MAX_ATTEMPTS):
        dynamo.reject(code)
    with pytest.raises(ServiceUnavailable) as caught:
        run_transaction(two_items)
    assert caught.value.retry_after_seconds >= 1


def test_throttled_items_inside_a_cancellation_are_retried(dynamo: StubbedDynamo) -> None:
    dynamo.cancel("ThrottlingError", "None")
    dynamo.succeed()
    run_transaction(two_items)
    assert len(dynamo.transactions) == 2


def test_a_failed_condition_is_reported_by_label_despite_pynamodb_regrouping(dynamo: StubbedDynamo) -> None:
    def four_kinds(tx: Transaction) -> None:
        # Added as put, update, check, delete; PynamoDB sends checks, deletes, puts, updates.
        tx.put(
            "claim",
            EmailClaimModel(*EmailClaimModel.key("ada@example.com"), user_id="U1", created_at=utcnow()),
            condition=EmailClaimModel.pk.does_not_exist(),
        )
        tx.update("author", UserModel(*UserModel.key("U1")), [UserModel.post_count.add(1)])
        tx.check("session", UserModel, *UserModel.key("U2"), condition=UserModel.pk.exists())
        tx.delete("old-post", PostModel(*PostModel.key("P1")))

    dynamo.cancel("None", "None", "ConditionalCheckFailed", "None")
    with pytest.raises(TransactionCancelled) as caught:
        run_transaction(four_kinds)
    sent = [next(iter(item)) for item in dynamo.transactions[0]["TransactItems"]]
    assert sent == ["ConditionCheck", "Delete", "Put", "Update"]
    assert caught.value.reasons == {"claim": "ConditionalCheckFailed"}
    assert caught.value.failed("claim")
    assert not caught.value.failed("author")


def test_a_failed_condition_is_not_retried(dynamo: StubbedDynamo) -> None:
    dynamo.cancel("ConditionalCheckFailed", "TransactionConflict")
    with pytest.raises(TransactionCancelled) as caught:
        run_transaction(two_items)
    assert len(dynamo.transactions) == 1
    assert caught.value.failed("claim")
    # A cancelled transaction is a conflict to the client (409), never a 5xx.
    assert isinstance(caught.value, Conflict)


def test_an_invalid_request_is_raised_at_once(dynamo: StubbedDynamo) -> None:
    dynamo.reject("ValidationException")
    with pytest.raises(TransactWriteError):
        run_transaction(two_items)
    assert len(dynamo.transactions) == 1
