"""Newest-first listings over the write-sharded Timeline index (users and posts by createdAt).

Writes spread over TIMELINE_SHARDS partitions per entity type, so no partition is hot. A page
queries every shard once (concurrently) and merges; the cursor keeps each shard's position.
"""

from __future__ import annotations

import heapq
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from typing import Any

from pynamodb.models import Model

from spooky.models import keys
from spooky.pagination import decode_cursor, encode_cursor
from spooky.repositories._query import RawItem, RawPage, as_start_key, key_of, query_once

_POSITION_KEYS = ("pk", "sk", "gsi2pk", "gsi2sk")
_EXHAUSTED = "done"
_executor = ThreadPoolExecutor(max_workers=keys.TIMELINE_SHARDS, thread_name_prefix="timeline")


def _shard_positions(kind: str, cursor: str | None) -> dict[int, Any]:
    if cursor is None:
        return dict.fromkeys(range(keys.TIMELINE_SHARDS))
    position = decode_cursor(f"timeline:{kind}", cursor)
    return {int(shard): value for shard, value in position.items()}


def _query_shard(model_cls: type[Model], kind: str, shard: int, start: Any, limit: int) -> RawPage:
    return query_once(
        model_cls,
        keys.timeline_pk(kind, shard),
        index_name="Timeline",
        limit=limit + 1,
        exclusive_start_key=as_start_key(start) if start else None,
    )


def timeline_page(
    model_cls: type[Model], kind: str, cursor: str | None, limit: int
) -> tuple[list[RawItem], str | None]:
    """Up to ``limit`` raw items of ``kind``, newest first, and the cursor of the next page."""
    positions = _shard_positions(kind, cursor)
    live = [shard for shard, start in positions.items() if start != _EXHAUSTED]
    # Shards are queried concurrently, each in a copy of this context (so requests stay attributed to
    # the calling function); all are submitted before any result is awaited.
    futures = {
        shard: _executor.submit(
            copy_context().run, _query_shard, model_cls, kind, shard, positions[shard], limit
        )
        for shard in live
    }
    pages = {shard: future.result() for shard, future in futures.items()}
    tagged = [(raw["gsi2sk"]["S"], shard, raw) for shard, page in pages.items() for raw in page.items]
    chosen = heapq.nlargest(limit, tagged, key=lambda entry: entry[0])
    next_positions: dict[int, Any] = dict(positions)
    for shard, page in pages.items():
        taken = [raw for _, s, raw in chosen if s == shard]
        # Unread items remain when some fetched ones were not taken, or DynamoDB cut the page short (1 MB).
        cut_short = page.last_evaluated_key is not None and len(page.items) <= limit
        more_in_shard = len(page.items) > len(taken) or cut_short
        if taken:
            next_positions[shard] = key_of(taken[-1], _POSITION_KEYS)
        if not more_in_shard:
            next_positions[shard] = _EXHAUSTED
    has_more = any(value != _EXHAUSTED for value in next_positions.values())
    next_cursor = (
        encode_cursor(f"timeline:{kind}", {str(shard): value for shard, value in next_positions.items()})
        if has_more
        else None
    )
    return [raw for _, _, raw in chosen], next_cursor
