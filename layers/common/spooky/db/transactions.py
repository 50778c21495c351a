"""TransactWriteItems with named items, retries on conflicts, and cancellation reasons by name.

PynamoDB regroups a transaction's items as condition checks, deletes, puts, updates; DynamoDB's
cancellation reasons follow that order. ``Transaction`` remembers a label per item so callers can ask
"which of my items failed, and why" without knowing about the regrouping.

Every TransactWriteItems carries a ClientRequestToken: botocore adds one to each call and resends it
with each of its own retries, so a transaction whose answer was lost (a read timeout) is answered by
DynamoDB, not applied twice (tests/integration/reliability/test_fault_injection.py). The retries here
follow an answered failure, and each gets a token of its own.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from spooky.db.connection import transaction_connection
from spooky.db.errors import (
    CONDITION_FAILED_REASON,
    RETRYABLE_ERRORS,
    RETRYABLE_REASONS,
    TRANSACTION_CONFLICT_REASON,
    error_code,
)
from spooky.errors import Conflict, ServiceUnavailable

Kind = Literal["check", "delete", "put", "update"]
_KIND_ORDER: tuple[Kind, ...] = ("check", "delete", "put", "update")
MAX_ATTEMPTS = 4
BASE_DELAY_SECONDS = 0.025


class TransactionCancelled(Conflict):
    """A condition failed: ``reasons`` maps the label of each failed item to DynamoDB's reason code.

    Repositories translate the reasons they expect (``run_transaction(..., on_failed=...)``); any other
    one surfaces as a 409 Conflict.
    """

    def __init__(self, reasons: dict[str, str]) -> None:
        super().__init__("The change conflicts with the current state; nothing was written")
        self.reasons = reasons

    def failed(self, label: str) -> bool:
        return self.reasons.get(label) == CONDITION_FAILED_REASON


class TransactionContended(Conflict):
    """Other requests kept changing some of the transaction's items through every retry: ``labels``
    names them (empty when DynamoDB did not say which)."""

    def __init__(self, labels: set[str]) -> None:
        super().__init__("The item is being changed by another request; retry")
        self.labels = labels


class Transaction:
    """A TransactWrite whose items carry labels."""

    def __init__(self, client_request_token: str | None = None) -> None:
        self._write = TransactWrite(
            connection=transaction_connection(),
            client_request_token=client_request_token,
            return_consumed_capacity="INDEXES",
        )
        self._labels: dict[Kind, list[str]] = {kind: [] for kind in _KIND_ORDER}

    @contextmanager
    def committing(self) -> Iterator[Transaction]:
        """Add items inside the block; PynamoDB's TransactWrite commits them on a clean exit only."""
        with self._write:
            yield self

    def check(
        self, label: str, model_cls: type[Model], hash_key: str, range_key: str, condition: Condition
    ) -> None:
        self._write.condition_check(model_cls, hash_key, range_key, condition=condition)
        self._labels["check"].append(label)

    def put(self, label: str, model: Model, condition: Condition | None = None) -> None:
        self._write.save(model, condition=condition)
        self._labels["put"].append(label)

    def update(
        self, label: str, model: Model, actions: list[Action], condition: Condition | None = None
    ) -> None:
        self._write.update(model, actions, condition=condition)
        self._labels["update"].append(label)

    def delete(self, label: str, model: Model, condition: Condition | None = None) -> None:
        self._write.delete(model, condition=condition)
        self._labels["delete"].append(label)

    def labels_in_request_order(self) -> list[str]:
        return [label for kind in _KIND_ORDER for label in self._labels[kind]]


def _reasons(error: TransactWriteError, labels: list[str]) -> dict[str, str]:
    reasons = error.cancellation_reasons or []
    return {label: reason.code for label, reason in zip(labels, reasons, strict=False) if reason is not None}


def _backoff(attempt: int) -> None:
    # Full jitter: spreads retries of colliding writers apart.
    time.sleep(random.uniform(0, BASE_DELAY_SECONDS * 2**attempt))  # noqa: S311 - not cryptographic


def run_transaction(
    build: Callable[[Transaction], Any],
    client_request_token: str | None = None,
    *,
    on_failed: Mapping[str, Exception] | None = None,
) -> None:
    """Build and commit a transaction, retrying conflicts and throttling with jittered backoff.

    When the condition of the item labelled ``label`` fails, ``on_failed[label]`` is raised (the first
    label in the mapping's order that failed); any other failed condition raises TransactionCancelled.
    Conflicts that persist raise TransactionContended (a Conflict), and throttling that persists
    ServiceUnavailable; nothing is ever partially written.
    """
    try:
        _commit_with_retries(build, client_request_token)
    except TransactionCancelled as cancelled:
        for label, error in (on_failed or {}).items():
            if cancelled.failed(label):
                raise error from None
        raise


class Part(NamedTuple):
    """Items one repository contributes to a transaction that others contribute to as well.

    A request that must change several aggregates at once (count a sign-in attempt, check the password
    it verified, open the session) makes ONE TransactWriteItems: each repository adds its items
    (``build``) and names the error its failed conditions mean (``on_failed``, see run_transaction).
    """

    build: Callable[[Transaction], None]
    on_failed: Mapping[str, Exception] = MappingProxyType({})


def write_together(*parts: Part, client_request_token: str | None = None) -> None:
    """Commit every part in one transaction; a failed condition raises the first matching part's error
    (parts earlier in the call win)."""

    def build(tx: Transaction) -> None:
        for part in parts:
            part.build(tx)

    on_failed = {label: error for part in parts for label, error in part.on_failed.items()}
    run_transaction(build, client_request_token, on_failed=on_failed)


def _commit_with_retries(build: Callable[[Transaction], Any], client_request_token: str | None) -> None:
    for attempt in range(MAX_ATTEMPTS):
        transaction = Transaction(client_request_token)
        try:
            with transaction.committing():
                build(transaction)
            return
        except TransactWriteError as error:
            reasons = _reasons(error, transaction.labels_in_request_order())
            code = error_code(error) or ""
            codes = set(reasons.values())
            # A failed condition (or any other reason that retrying cannot fix) is final.
            if CONDITION_FAILED_REASON in codes or (codes and not codes & RETRYABLE_REASONS):
                raise TransactionCancelled(reasons) from error
            if code not in RETRYABLE_ERRORS and not codes & RETRYABLE_REASONS:
                raise
            if attempt == MAX_ATTEMPTS - 1:
                if TRANSACTION_CONFLICT_REASON in codes or "Conflict" in code or "InProgress" in code:
                    contended = {
                        label for label, reason in reasons.items() if reason == TRANSACTION_CONFLICT_REASON
                    }
                    raise TransactionContended(contended) from error
                raise ServiceUnavailable("DynamoDB is busy; retry shortly") from error
            _backoff(attempt)
