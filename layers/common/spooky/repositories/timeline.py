"""Newest-first listings over the Timeline index (users and posts by createdAt).

An entity type may spread its writes over several partitions (keys.TIMELINE_SHARDS: users over 4, so
no partition is hot; posts over one, so a feed page is one Query). A page queries every shard once
(concurrently) and merges; the cursor keeps each shard's position, so a cursor of another layout is
refused (400) rather than continued.

Two things can leave the first round short of a page, and both are read further (more rounds) rather
than answered with a short page:
- a shard's Query stopped early (DynamoDB's 1 MB limit): its unread items may be newer than what the
  other shards returned, so the merge only goes down to that shard's last returned item;
- ``keep`` hid items (posts of a just-deleted author, until the retention job takes them out).
A page ends with one shown item past its end (the look-ahead): a next cursor always leads to a
non-empty page. MAX_ROUNDS bounds one request; past it, the page may be short but still has a cursor.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from pynamodb.models import Model

from spooky.models import keys
from spooky.pagination import decode_cursor, encode_cursor, invalid_cursor
from spooky.repositories._concurrent import in_parallel
from spooky.repositories._query import RawItem, RawPage, as_start_key, key_of, query_once

_POSITION_KEYS = ("pk", "sk", "gsi2pk", "gsi2sk")
_EXHAUSTED = "done"
# Rounds of shard Queries one page may send (round 1 is the common case: one Query per shard).
MAX_ROUNDS = 6
# Refill rounds read more per Query (doubling), up to this many items, to skip hidden runs quickly.
MAX_QUERY_LIMIT = 1000

# Given candidates in page order, the ones to show (same order); one call per merge step.
Keep = Callable[[list[RawItem]], list[RawItem]]
# Sorts after every Timeline sort key (fixed-width timestamps and ids).
_TOP = "\U0010ffff"


@dataclass
class _Shard:
    number: int
    resume: Any  # the cursor's position: the key to read after, or None (from the newest)
    open: bool = True  # DynamoDB may hold items of this shard not fetched yet
    start: Any = None  # where the next Query starts (moves as rounds fetch)
    buffer: deque[RawItem] = field(default_factory=deque)
    # Sort key of the last item fetched: nothing still unfetched in this shard is newer.
    floor: str | None = None

    @property
    def starved(self) -> bool:
        return self.open and not self.buffer


def _sort_key(raw: RawItem) -> str:
    return str(raw["gsi2sk"]["S"])


def _open_shards(kind: str, cursor: str | None) -> list[_Shard]:
    numbers = range(keys.TIMELINE_SHARDS[kind])
    if cursor is None:
        return [_Shard(shard, None) for shard in numbers]
    position = decode_cursor(f"timeline:{kind}", cursor)
    if set(position) != {str(number) for number in numbers}:
        # Signed, but made when the index had another number of shards (before a re-keying).
        raise invalid_cursor()
    shards = []
    for number, value in position.items():
        resume = None if value == _EXHAUSTED else value
        shards.append(_Shard(int(number), resume, open=value != _EXHAUSTED, start=resume))
    return shards


def _query_shard(model_cls: type[Model], kind: str, shard: _Shard, limit: int) -> RawPage:
    return query_once(
        model_cls,
        keys.timeline_pk(kind, shard.number),
        index_name="Timeline",
        limit=limit,
        exclusive_start_key=as_start_key(shard.start) if shard.start else None,
    )


def _fetch(model_cls: type[Model], kind: str, shards: list[_Shard], limit: int) -> None:
    """One Query for each of ``shards``, concurrently; appends to their buffers."""
    pages: list[RawPage] = in_parallel(
        [partial(_query_shard, model_cls, kind, shard, limit) for shard in shards]
    )
    for shard, page in zip(shards, pages, strict=True):
        shard.buffer.extend(page.items)
        if page.items:
            shard.floor = _sort_key(page.items[-1])
            shard.start = key_of(page.items[-1], _POSITION_KEYS)
        shard.open = page.last_evaluated_key is not None


def _bound(shards: list[_Shard]) -> str:
    """The oldest sort key the merge may take: a starved shard's unread items are older than its
    floor, but may be newer than anything below it."""
    return max((shard.floor or _TOP for shard in shards if shard.starved), default="")


def _merge(shards: list[_Shard], count: int) -> list[tuple[_Shard, RawItem]]:
    """Up to ``count`` fetched items, newest first, none older than a starved shard's floor."""
    taken: list[tuple[_Shard, RawItem]] = []
    while len(taken) < count:
        heads = [shard for shard in shards if shard.buffer]
        if not heads:
            break
        newest = max(heads, key=lambda shard: _sort_key(shard.buffer[0]))
        # Checked before every item: taking a shard's last fetched item starves it.
        if _sort_key(newest.buffer[0]) < _bound(shards):
            break
        taken.append((newest, newest.buffer.popleft()))
    return taken


def _give_back(consumed: list[tuple[_Shard, RawItem]], cut: int) -> None:
    """Return the items from ``cut`` on to their shards: the next page starts with them."""
    for shard, raw in reversed(consumed[cut:]):
        shard.buffer.appendleft(raw)
    del consumed[cut:]


def _next_cursor(kind: str, shards: list[_Shard], consumed: list[tuple[_Shard, RawItem]]) -> str | None:
    """Each shard resumes after its last consumed item; items fetched but not consumed are read again."""
    last = {shard.number: key_of(raw, _POSITION_KEYS) for shard, raw in consumed}
    positions = {
        str(shard.number): (
            _EXHAUSTED if not shard.open and not shard.buffer else last.get(shard.number, shard.resume)
        )
        for shard in shards
    }
    if all(value == _EXHAUSTED for value in positions.values()):
        return None
    return encode_cursor(f"timeline:{kind}", positions)


def _fill(
    shards: list[_Shard],
    shown: list[RawItem],
    consumed: list[tuple[_Shard, RawItem]],
    limit: int,
    keep: Keep | None,
) -> None:
    """Merge what the shards hold into ``shown`` until the page and its look-ahead are full or a
    starved shard blocks the merge. A step takes at least as many items as were consumed before it,
    so a long run of hidden items costs a few author look-ups, not one per item."""
    while len(shown) <= limit:
        step = _merge(shards, max(limit + 1 - len(shown), len(consumed)))
        if not step:
            return
        consumed += step
        candidates = [raw for _, raw in step]
        shown += keep(candidates) if keep else candidates


def timeline_page(
    model_cls: type[Model], kind: str, cursor: str | None, limit: int, keep: Keep | None = None
) -> tuple[list[RawItem], str | None]:
    """Up to ``limit`` raw items of ``kind`` that ``keep`` keeps, newest first, and the next cursor.

    The common case is one round: a Query per shard for ``limit + 1`` items (the look-ahead). Later
    rounds read further (twice as much each time) the open shards that hold less than the page needs.
    """
    shards = _open_shards(kind, cursor)
    consumed: list[tuple[_Shard, RawItem]] = []
    shown: list[RawItem] = []
    for round_number in range(MAX_ROUNDS):
        needed = limit + 1 - len(shown)
        short = [shard for shard in shards if shard.open and len(shard.buffer) < needed]
        _fetch(model_cls, kind, short, min(MAX_QUERY_LIMIT, (limit + 1) * 2**round_number))
        _fill(shards, shown, consumed, limit, keep)
        if len(shown) > limit or not any(shard.open or shard.buffer for shard in shards):
            break
    if len(shown) > limit:
        # The look-ahead proves that the next page has an item; it becomes that page's first one.
        lookahead = shown[limit]
        _give_back(consumed, next(i for i, (_, raw) in enumerate(consumed) if raw is lookahead))
    return shown[:limit], _next_cursor(kind, shards, consumed)
