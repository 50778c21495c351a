"""TransactWriteItems with named items, retries on conflicts, and cancellation reasons by name.

PynamoDB regroups a transaction's items as condition checks, deletes, puts, updates; DynamoDB's
cancellation reasons follow that order. ``Transaction`` remembers a label per item so callers can ask
"which of my items failed, and why" without knowing about the regrouping.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any, Literal

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from spooky.db.connection import transaction_connection
from spooky.db.errors import error_code
from spooky.errors import Conflict, ServiceUnavailable

Kind = Literal["check", "delete", "put", "update"]
_KIND_ORDER: tuple[Kind, ...] = ("check", "delete", "put", "update")
# Reasons that mean "try again": another transaction held an item, or DynamoDB pushed back.
RETRYABLE_REASONS = frozenset({"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"})
RETRYABLE_ERRORS = frozenset(
    {
        "TransactionConflictException",
        "TransactionInProgressException",
        "ThrottlingException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
    }
)
MAX_ATTEMPTS = 4
BASE_DELAY_SECONDS = 0.025


class TransactionCancelled(Conflict):
    """A condition failed: ``reasons`` maps the label of each failed item to DynamoDB's reason code.

    Repositories translate the reasons they expect; any other one surfaces as a 409 Conflict.
    """

    def __init__(self, reasons: dict[str, str]) -> None:
        super().__init__("The change conflicts with the current state; nothing was written")
        self.reasons = reasons

    def failed(self, label: str) -> bool:
        return self.reasons.get(label) == "ConditionalCheckFailed"


class Transaction:
    """A TransactWrite whose items carry labels."""

    def __init__(self, client_request_token: str | None = None) -> None:
        self._write = TransactWrite(
            connection=transaction_connection(),
            client_request_token=client_request_token,
            return_consumed_capacity="INDEXES",
        )
        self._labels: dict[Kind, list[str]] = {kind: [] for kind in _KIND_ORDER}

    def check(
        self, label: str, model_cls: type[Model], hash_key: str, range_key: str, condition: Condition
    ) -> None:
        self._write.condition_check(model_cls, hash_key, range_key, condition=condition)
        self._labels["check"].append(label)

    def put(self, label: str, model: Model, condition: Condition | None = None) -> None:
        self._write.save(model, condition=condition)
        self._labels["put"].append(label)

    def update(
        self,
        label: str,
        model: Model,
        actions: list[Action],
        condition: Condition | None = None,
        *,
        check_version: bool = True,
    ) -> None:
        self._write.update(model, actions, condition=condition, add_version_condition=check_version)
        self._labels["update"].append(label)

    def delete(
        self, label: str, model: Model, condition: Condition | None = None, *, check_version: bool = True
    ) -> None:
        self._write.delete(model, condition=condition, add_version_condition=check_version)
        self._labels["delete"].append(label)

    def labels_in_request_order(self) -> list[str]:
        return [label for kind in _KIND_ORDER for label in self._labels[kind]]

    def commit(self) -> None:
        self._write._commit()
        # Mirrors TransactWrite.__exit__: bump the local version of saved/updated models.
        for model in self._write._models_for_version_attribute_update:
            model.update_local_version_attribute()


def _reasons(error: TransactWriteError, labels: list[str]) -> dict[str, str]:
    reasons = error.cancellation_reasons or []
    return {label: reason.code for label, reason in zip(labels, reasons, strict=False) if reason is not None}


def _backoff(attempt: int) -> None:
    # Full jitter: spreads retries of colliding writers apart.
    time.sleep(random.uniform(0, BASE_DELAY_SECONDS * 2**attempt))  # noqa: S311 - not cryptographic


def run_transaction(build: Callable[[Transaction], Any], client_request_token: str | None = None) -> None:
    """Build and commit a transaction, retrying conflicts and throttling with jittered backoff.

    Raises TransactionCancelled when a condition fails, Conflict when conflicts persist and
    ServiceUnavailable when DynamoDB keeps throttling; nothing is ever partially written.
    """
    for attempt in range(MAX_ATTEMPTS):
        transaction = Transaction(client_request_token)
        build(transaction)
        try:
            transaction.commit()
            return
        except TransactWriteError as error:
            reasons = _reasons(error, transaction.labels_in_request_order())
            code = error_code(error) or ""
            codes = set(reasons.values())
            # A failed condition (or any other reason that retrying cannot fix) is final.
            if "ConditionalCheckFailed" in codes or (codes and not codes & RETRYABLE_REASONS):
                raise TransactionCancelled(reasons) from error
            if code not in RETRYABLE_ERRORS and not codes & RETRYABLE_REASONS:
                raise
            if attempt == MAX_ATTEMPTS - 1:
                if "TransactionConflict" in reasons.values() or "Conflict" in code or "InProgress" in code:
                    raise Conflict("The item is being changed by another request; retry") from error
                raise ServiceUnavailable("DynamoDB is busy; retry shortly") from error
            _backoff(attempt)
