"""The counting part of an attempt: which refusal each counter's failed condition means."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from spooky.errors import TooManyRequests
from spooky.repositories.rate_limits import Counter
from spooky.services.auth.rate_limits import Attempt

COUNTERS = (
    Counter("sign-in:account+ip", "a@example.com|203.0.113.1", 10, timedelta(minutes=15)),
    Counter("password:ip", "203.0.113.1", 100, timedelta(hours=1)),
)
NOW = datetime(2026, 12, 1, 12, 5, tzinfo=UTC)


def test_each_counter_at_its_limit_is_refused_with_its_own_retry_time() -> None:
    refusals = Attempt(COUNTERS, NOW).counted().on_failed

    assert sorted(refusals) == ["limit:0", "limit:1"]
    assert all(isinstance(refusal, TooManyRequests) for refusal in refusals.values())
    # 12:05 is 5 minutes into the 15-minute window and 5 minutes into the hour.
    assert [refusals[label].retry_after_seconds for label in ("limit:0", "limit:1")] == [600, 3300]  # type: ignore[attr-defined]


def test_only_the_counters_labels_are_claimed() -> None:
    # Any other failed condition of the transaction surfaces as itself, not as a 429.
    assert not {"session", "user", "credential", "epoch"} & set(Attempt(COUNTERS, NOW).counted().on_failed)
