"""Independent DynamoDB requests sent at once: the latency of one request, not of their sum."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context
from typing import Any

from spooky.models import keys

# Enough for the Timeline's shards; the botocore pool (max_pool_connections = 16) is larger.
_executor = ThreadPoolExecutor(max_workers=keys.TIMELINE_SHARDS, thread_name_prefix="dynamodb")


def in_parallel(calls: Sequence[Callable[[], Any]]) -> list[Any]:
    """The results of ``calls``, in order. Each runs in a copy of this context, so its requests stay
    attributed to the calling function; all are submitted before any result is awaited."""
    if len(calls) <= 1:
        return [call() for call in calls]
    futures = [_executor.submit(copy_context().run, call) for call in calls]
    return [future.result() for future in futures]
