"""Every DynamoDB request, observed: operation, table, index, capacity, latency and error code.

Hooks are attached to each PynamoDB client the first time it sends (PynamoDB's ``pre_dynamodb_send``
signal), so no call path can bypass them. Observations go to the listeners registered here: the
metrics publisher in Lambda, and request counters in tests and benchmarks.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType
from typing import Any, NamedTuple

from pynamodb.signals import pre_dynamodb_send


class Capacity(NamedTuple):
    table: str
    units: float
    read_units: float | None = None
    write_units: float | None = None
    # index name -> capacity units consumed on that index (index usage statistics)
    indexes: Mapping[str, float] = MappingProxyType({})


class Observation(NamedTuple):
    operation: str
    tables: tuple[str, ...]
    index_name: str | None  # not `index`, which would shadow tuple.index
    latency_ms: float
    capacity: tuple[Capacity, ...]
    error_code: str | None
    cancellation_codes: tuple[str, ...] = ()
    # (IAM action, table) pairs the request needs: a transaction needs each item's own action.
    permissions: tuple[tuple[str, str], ...] = ()
    # The Lambda function that sent it (None outside an entry point, e.g. in scripts and test set-up).
    function: str | None = None

    @property
    def total_capacity(self) -> float:
        return sum(item.units for item in self.capacity)


Listener = Callable[[Observation], None]
_current_function: ContextVar[str | None] = ContextVar("spooky_current_function", default=None)
_listeners: list[Listener] = []
_instrumented: weakref.WeakSet[Any] = weakref.WeakSet()


def add_listener(listener: Listener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def remove_listener(listener: Listener) -> None:
    if listener in _listeners:
        _listeners.remove(listener)


@contextmanager
def invoked_as(function_name: str) -> Iterator[None]:
    """Attribute the requests made inside the block to ``function_name`` (entry points use it)."""
    token = _current_function.set(function_name)
    try:
        yield
    finally:
        _current_function.reset(token)


@contextmanager
def recording() -> Iterator[list[Observation]]:
    """Collect the observations made inside the block (tests and benchmarks count requests with it)."""
    seen: list[Observation] = []
    add_listener(seen.append)
    try:
        yield seen
    finally:
        remove_listener(seen.append)


def _tables_of(params: dict[str, Any]) -> tuple[str, ...]:
    if "TableName" in params:
        return (params["TableName"],)
    if "RequestItems" in params:
        return tuple(params["RequestItems"])
    if "TransactItems" in params:
        names = [next(iter(item.values()))["TableName"] for item in params["TransactItems"]]
        return tuple(dict.fromkeys(names))
    return ()


_TRANSACT_ACTIONS = {
    "Put": "PutItem",
    "Update": "UpdateItem",
    "Delete": "DeleteItem",
    "ConditionCheck": "ConditionCheckItem",
    "Get": "GetItem",
}


def _permissions_of(operation: str, params: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    if "TransactItems" in params:
        needed = [
            (f"dynamodb:{_TRANSACT_ACTIONS[kind]}", item["TableName"])
            for entry in params["TransactItems"]
            for kind, item in entry.items()
        ]
        return tuple(dict.fromkeys(needed))
    return tuple((f"dynamodb:{operation}", table) for table in _tables_of(params))


def _capacity_of(parsed: dict[str, Any]) -> tuple[Capacity, ...]:
    raw = parsed.get("ConsumedCapacity")
    if raw is None:
        return ()
    entries = raw if isinstance(raw, list) else [raw]
    return tuple(
        Capacity(
            table=entry.get("TableName", ""),
            units=float(entry.get("CapacityUnits", 0.0)),
            read_units=entry.get("ReadCapacityUnits"),
            write_units=entry.get("WriteCapacityUnits"),
            # Local or global, an index's capacity is its usage (moto reports GSIs as local ones).
            indexes={
                name: float(value.get("CapacityUnits", 0.0))
                for kind in ("LocalSecondaryIndexes", "GlobalSecondaryIndexes")
                for name, value in entry.get(kind, {}).items()
            },
        )
        for entry in entries
    )


def _params_from_request(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    # provide-client-params carries the API parameters; before-call only sees the serialised request.
    context["spooky_params"] = params


def _before_call(context: dict[str, Any], **_: Any) -> None:
    context["spooky_started"] = time.perf_counter()


def _after_call(parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
    error = parsed.get("Error", {}).get("Code")
    reasons = tuple(reason.get("Code", "None") for reason in parsed.get("CancellationReasons", []))
    _emit(model.name, context, parsed, error, reasons)


def _after_call_error(exception: Exception, context: dict[str, Any], event_name: str, **_: Any) -> None:
    # Raised before any response: connection errors and timeouts. botocore passes no operation model
    # with this event, only its name (after-call-error.dynamodb.<Operation>).
    _emit(event_name.rsplit(".", 1)[-1], context, {}, type(exception).__name__, ())


def _emit(
    operation: str,
    context: dict[str, Any],
    parsed: dict[str, Any],
    error: str | None,
    reasons: tuple[str, ...],
) -> None:
    if not _listeners:
        return
    params: dict[str, Any] = context.get("spooky_params", {})
    started = context.get("spooky_started", time.perf_counter())
    observation = Observation(
        operation=operation,
        tables=_tables_of(params),
        index_name=params.get("IndexName"),
        latency_ms=(time.perf_counter() - started) * 1000,
        capacity=_capacity_of(parsed),
        error_code=error,
        cancellation_codes=reasons,
        permissions=_permissions_of(operation, params),
        function=_current_function.get(),
    )
    for listener in list(_listeners):
        listener(observation)


def instrument(client: Any) -> None:
    """Attach the hooks to a botocore DynamoDB client (once)."""
    if client in _instrumented:
        return
    events = client.meta.events
    events.register("provide-client-params.dynamodb.*", _params_from_request)
    events.register("before-call.dynamodb.*", _before_call)
    events.register("after-call.dynamodb.*", _after_call)
    events.register("after-call-error.dynamodb.*", _after_call_error)
    _instrumented.add(client)


def _ask_for_capacity(params: dict[str, Any], **_: Any) -> None:
    # Without it DynamoDB reports no consumed capacity, and ConsumedCapacity.<table> stays empty.
    params.setdefault("ReturnConsumedCapacity", "TOTAL")


def instrument_foreign(client: Any) -> None:
    """Observe a DynamoDB client PynamoDB does not own (Powertools' idempotency store), capacity included.

    Only the single-item operations such a store uses: each of them accepts ReturnConsumedCapacity.
    """
    if client in _instrumented:
        return
    for operation in ("GetItem", "PutItem", "UpdateItem", "DeleteItem"):
        client.meta.events.register(f"provide-client-params.dynamodb.{operation}", _ask_for_capacity)
    instrument(client)


def _on_pre_send(sender: Any, **_: Any) -> None:
    instrument(sender.client)


pre_dynamodb_send.connect(_on_pre_send, weak=False)
