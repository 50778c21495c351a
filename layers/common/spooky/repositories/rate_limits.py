"""Fixed-window counters in the AuthTable: one atomic ADD per hit, expired by TTL with their window."""

from __future__ import annotations

from datetime import datetime, timedelta

from spooky.models import keys
from spooky.models.auth import RateLimitModel


def window_start(now: datetime, window: timedelta) -> int:
    seconds = int(window.total_seconds())
    return int(now.timestamp()) // seconds * seconds


def hit(scope: str, subject: str, now: datetime, window: timedelta) -> int:
    """Count one attempt of ``subject`` in the current window of ``scope``; returns the window's total."""
    start = window_start(now, window)
    counter = RateLimitModel(keys.rate_limit_pk(scope, subject), str(start))
    counter.update(
        [
            RateLimitModel.hits.add(1),
            # Kept one extra window so a counter is never removed while its window is still open.
            RateLimitModel.ttl.set(datetime.fromtimestamp(start, now.tzinfo) + 2 * window),
        ]
    )
    return int(counter.hits)
