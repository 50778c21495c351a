"""Conditional writes that tell "the condition failed" from any other failure must let a timeout or a
lost connection through as itself: PynamoDB's ``cause_response_code`` raised AttributeError on a read
timeout (its ``response`` is None), hiding the real, retryable error behind a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ConnectTimeoutError, EndpointConnectionError, ReadTimeoutError
from pynamodb.exceptions import DeleteError, PutError, PynamoDBException, UpdateError
from pynamodb.models import Model

from devtools import migrations
from spooky.db.errors import is_transient
from spooky.models.app import EmailClaimModel, UserModel
from spooky.models.audit import AuditModel
from spooky_jobs.repositories import audit, retention

ENDPOINT = "http://dynamodb.local"
CAUSES = [
    ReadTimeoutError(endpoint_url=ENDPOINT),
    ConnectTimeoutError(endpoint_url=ENDPOINT),
    EndpointConnectionError(endpoint_url=ENDPOINT),
]


def failing(error: PynamoDBException) -> Callable[..., Any]:
    def call(*_: Any, **__: Any) -> Any:
        raise error

    return call


def backfill_one_user() -> None:
    file = next(file for file in migrations.discover() if file.id == "0001_backfill_user_post_count")
    migration = migrations.load(file)
    migration.apply({"pk": {"S": "USER#u1"}, "sk": {"S": "PROFILE"}})


@pytest.fixture(autouse=True)
def no_post_count_query(monkeypatch: pytest.MonkeyPatch) -> None:
    """The backfill counts posts before its write; only the write is under test."""
    file = next(file for file in migrations.discover() if file.id == "0001_backfill_user_post_count")
    module = type(migrations.load(file)).__module__
    monkeypatch.setattr(f"{module}.live_post_count", lambda _: 0)


# label -> (model, method that sends the conditional write, error PynamoDB raises, the write)
Case = tuple[type[Model], str, type[PynamoDBException], Callable[[], Any]]
CASES: dict[str, Case] = {
    "retention: release the email claim": (
        EmailClaimModel, "delete", DeleteError, lambda: retention._release_email("u1", "a@example.com")
    ),
    "audit: append a record": (
        AuditModel, "save", PutError, lambda: audit.append(AuditModel("Post#p1", "2024-01-01T00:00:00Z#e1"))
    ),
    "migration 0001: compare-and-set postCount": (UserModel, "update", UpdateError, backfill_one_user),
    "migration runner: take the lease": (
        migrations.LedgerModel, "update", UpdateError,
        lambda: migrations.Runner(owner="t")._acquire("0001_backfill_user_post_count"),
    ),
}  # fmt: skip


@pytest.mark.parametrize("cause", CAUSES, ids=lambda cause: type(cause).__name__)
@pytest.mark.parametrize("label", CASES)
def test_a_timeout_or_lost_connection_surfaces_as_itself(
    monkeypatch: pytest.MonkeyPatch, label: str, cause: Exception
) -> None:
    model, method, kind, write = CASES[label]
    monkeypatch.setattr(model, method, failing(kind("DynamoDB did not answer", cause=cause)))

    with pytest.raises(kind) as raised:
        write()

    assert raised.value.cause is cause
    assert is_transient(raised.value)  # so the HTTP layer answers 503 with Retry-After
