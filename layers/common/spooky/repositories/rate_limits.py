"""Fixed-window counters in the AuthTable: every counter of one attempt moves in ONE conditional write.

Each counter is an item pk=RATE#<scope>#<sha256(subject)>, sk=<window start>, expired by TTL with its
window. An attempt ADDs 1 to each of its counters in one TransactWriteItems, conditioned on every
counter being under its limit: either all count the attempt, or the attempt is refused and none does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from pynamodb.expressions.update import Action

from spooky.db.transactions import Transaction, TransactionCancelled, run_transaction
from spooky.models import keys
from spooky.models.auth import RateLimitModel


@dataclass(frozen=True)
class Counter:
    scope: str
    subject: str
    limit: int
    window: timedelta


def window_start(now: datetime, window: timedelta) -> int:
    seconds = int(window.total_seconds())
    return int(now.timestamp()) // seconds * seconds


def count_attempt(counters: Sequence[Counter], now: datetime) -> Counter | None:
    """Count one attempt on every counter, unless one is already at its limit: then that one is
    returned and nothing is counted."""

    def build(tx: Transaction) -> None:
        for index, counter in enumerate(counters):
            start = window_start(now, counter.window)
            item = RateLimitModel(keys.rate_limit_pk(counter.scope, counter.subject), str(start))
            # Kept one extra window so a counter is never removed while its window is still open.
            expires = datetime.fromtimestamp(start, now.tzinfo) + 2 * counter.window
            under_limit = RateLimitModel.hits.does_not_exist() | (RateLimitModel.hits < counter.limit)
            actions: list[Action] = [RateLimitModel.hits.add(1), RateLimitModel.ttl.set(expires)]
            tx.update(str(index), item, actions, condition=under_limit)

    try:
        run_transaction(build)
    except TransactionCancelled as cancelled:
        refused = next((c for index, c in enumerate(counters) if cancelled.failed(str(index))), None)
        if refused is None:  # not a limit: a cancellation of another kind surfaces as itself
            raise
        return refused
    return None
