"""Fixed-window counters in the AuthTable: every counter of one attempt moves in ONE conditional write.

Each counter is an item pk=RATE#<scope>#<sha256(subject)>, sk=<window start>, expired by TTL with its
window. An attempt ADDs 1 to each of its counters, conditioned on every counter being under its limit:
either all count the attempt, or the attempt is refused and none does. The counting is a transaction
part (``counting``), so it rides in the same TransactWriteItems as the write the attempt makes; a
caller that must know before doing costly work (verifying a password) reads the counters first
(``counter_keys`` + ``first_at_limit``), in the same BatchGetItem as whatever else it reads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from pynamodb.expressions.update import Action

from spooky.db.batch import ItemKey, Items
from spooky.db.transactions import Part, Transaction
from spooky.models import keys
from spooky.models.auth import RateLimitModel


class Counter(NamedTuple):
    scope: str
    subject: str
    limit: int
    window: timedelta

    def key(self, now: datetime) -> ItemKey[RateLimitModel]:
        return ItemKey(
            RateLimitModel, keys.rate_limit_pk(self.scope, self.subject), str(window_start(now, self.window))
        )


def window_start(now: datetime, window: timedelta) -> int:
    seconds = int(window.total_seconds())
    return int(now.timestamp()) // seconds * seconds


def first_at_limit(counters: Sequence[Counter], items: Items, now: datetime) -> Counter | None:
    """The first counter already at its limit in ``items`` (read with ``counter.key(now)``), if any."""
    for counter in counters:
        item = items.get(counter.key(now))
        if item is not None and item.hits >= counter.limit:
            return counter
    return None


# Labels of the counters in a transaction (``limit:<index>``), to tell them from the other items.
LABEL_PREFIX = "limit:"


def _label(index: int) -> str:
    return f"{LABEL_PREFIX}{index}"


def counting(counters: Sequence[Counter], now: datetime, refusal: Callable[[Counter], Exception]) -> Part:
    """Count one attempt on every counter, unless one is at its limit: then the whole transaction is
    cancelled and ``refusal(counter)`` raised for the first such counter."""

    def build(tx: Transaction) -> None:
        for index, counter in enumerate(counters):
            key = counter.key(now)
            # Kept one extra window so a counter is never removed while its window is still open.
            expires = datetime.fromtimestamp(int(key.range_key), now.tzinfo) + 2 * counter.window
            under_limit = RateLimitModel.hits.does_not_exist() | (RateLimitModel.hits < counter.limit)
            actions: list[Action] = [RateLimitModel.hits.add(1), RateLimitModel.ttl.set(expires)]
            item = RateLimitModel(key.hash_key, key.range_key)
            tx.update(_label(index), item, actions, condition=under_limit)

    return Part(build, {_label(index): refusal(counter) for index, counter in enumerate(counters)})
