"""Independent DynamoDB requests sent at once: the latency of one request, not of their sum."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
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
    """The results of ``calls``, in order. The last runs on the calling thread while the pool runs the
    others (one thread hand-off fewer than submitting them all); an error of an earlier call is raised
    before one of a later call, and none is raised before every call has ended."""
    if not calls:
        return []
    futures = [in_background(call) for call in calls[:-1]]
    last: Future[Any] = Future()  # the calling thread's own call, held like the others
    try:
        last.set_result(calls[-1]())
    except BaseException as error:
        last.set_exception(error)
    wait(futures)  # every call ends before any error is raised: no request outlives this call
    return [future.result() for future in (*futures, last)]
