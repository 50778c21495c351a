"""Independent DynamoDB requests sent at once: the latency of one request, not of their sum."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextvars import copy_context
from typing import Any

from spooky.models import keys

# Enough for the widest Timeline listing; the botocore pool (max_pool_connections = 16) is larger.
_executor = ThreadPoolExecutor(max_workers=max(keys.TIMELINE_SHARDS.values()), thread_name_prefix="dynamodb")


def in_background[T](call: Callable[[], T]) -> Future[T]:
    """Start ``call`` now, in a copy of this context (its requests stay attributed to the calling
    function); the caller goes on with its own request and collects this one's result later."""
    return _executor.submit(copy_context().run, call)


def in_parallel(calls: Sequence[Callable[[], Any]]) -> list[Any]:
    """The results of ``calls``, in order. All are submitted before any result is awaited."""
    if len(calls) <= 1:
        return [call() for call in calls]
    futures = [in_background(call) for call in calls]
    return [future.result() for future in futures]
