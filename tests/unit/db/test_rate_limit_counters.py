"""Which counter refused an attempt, and that other cancellations are not mistaken for a limit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from spooky.db.transactions import TransactionCancelled
from spooky.repositories import rate_limits
from spooky.repositories.rate_limits import Counter

COUNTERS = [
    Counter("sign-in:account+ip", "a@example.com|203.0.113.1", 10, timedelta(minutes=15)),
    Counter("password:ip", "203.0.113.1", 100, timedelta(minutes=15)),
]
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def cancelled_with(reasons: dict[str, str]) -> Callable[..., Any]:
    def run(*_: Any, **__: Any) -> None:
        raise TransactionCancelled(reasons)

    return run


def test_the_counter_at_its_limit_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rate_limits, "run_transaction", cancelled_with({"1": "ConditionalCheckFailed"}))

    assert rate_limits.count_attempt(COUNTERS, NOW) == COUNTERS[1]


def test_another_cancellation_is_not_reported_as_a_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rate_limits, "run_transaction", cancelled_with({"0": "ValidationError"}))

    with pytest.raises(TransactionCancelled):
        rate_limits.count_attempt(COUNTERS, NOW)
