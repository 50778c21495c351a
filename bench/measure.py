"""What one block of work costs in DynamoDB: requests, capacity, item sizes and consistency; and timings.

Requests and capacity come from spooky.db.observe (the hooks every PynamoDB client carries). The item
sizes and the consistency of reads come from a second set of botocore hooks attached here to the same
clients, because an Observation does not carry request or response payloads.
"""

from __future__ import annotations

import json
import statistics
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pynamodb.models import Model
from pynamodb.signals import pre_dynamodb_send

from spooky.db.batch import raw_client
from spooky.db.connection import transaction_connection
from spooky.db.observe import Observation, instrument, recording
from spooky.models.base import KeyedModel

READ_OPERATIONS = frozenset({"GetItem", "Query", "Scan", "BatchGetItem", "TransactGetItems"})
WRITE_OPERATIONS = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})
RawItem = dict[str, Any]


# ---------------------------------------------------------------- item sizes


def _value_size(value: dict[str, Any]) -> int:
    """DynamoDB's size of one attribute value (the rules of "Item sizes and formats")."""
    (kind, data), *_ = value.items()
    if kind == "S":
        return len(str(data).encode())
    if kind == "B":
        return len(data)
    if kind == "N":
        # About one byte per two significant digits, plus one.
        significant = len(Decimal(data).normalize().as_tuple().digits)
        return (significant + 1) // 2 + 1
    if kind in ("BOOL", "NULL"):
        return 1
    if kind == "SS":
        return sum(len(item.encode()) for item in data)
    if kind == "NS":
        return sum(_value_size({"N": item}) for item in data)
    if kind == "BS":
        return sum(len(item) for item in data)
    if kind == "L":
        return 3 + sum(1 + _value_size(item) for item in data)
    if kind == "M":
        return 3 + item_size(data)
    raise ValueError(f"unknown DynamoDB type {kind}")


def item_size(item: RawItem) -> int:
    """Bytes DynamoDB counts for an item: every attribute's name plus its value."""
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


# ---------------------------------------------------------------- payload tap


@dataclass
class Traffic:
    """The payloads of the DynamoDB requests made inside a ``measured()`` block."""

    read_items: int = 0
    read_bytes: int = 0
    strong_reads: int = 0
    eventual_reads: int = 0
    # (table, key) of every item put, updated or deleted, to size them after the block.
    written_keys: list[tuple[str, RawItem]] = field(default_factory=list)

    @property
    def consistency(self) -> str:
        kinds = [
            name
            for name, count in (("strong", self.strong_reads), ("eventual", self.eventual_reads))
            if count
        ]
        return " + ".join(kinds) or "-"


_taps: list[Traffic] = []
_tapped: weakref.WeakSet[Any] = weakref.WeakSet()
_key_names: dict[str, tuple[str, ...]] = {"IdempotencyTable": ("id",)}


def _key_of(table: str, item: RawItem) -> RawItem:
    names = next((names for prefix, names in _key_names.items() if table.endswith(prefix)), ("pk", "sk"))
    return {name: item[name] for name in names if name in item}


def _returned_items(operation: str, parsed: dict[str, Any]) -> list[RawItem]:
    if operation == "GetItem":
        return [parsed["Item"]] if "Item" in parsed else []
    if operation in ("Query", "Scan"):
        items: list[RawItem] = parsed.get("Items", [])
        return items
    if operation == "BatchGetItem":
        return [item for table_items in parsed.get("Responses", {}).values() for item in table_items]
    if operation == "TransactGetItems":
        return [entry["Item"] for entry in parsed.get("Responses", []) if "Item" in entry]
    return []


def _written_keys(operation: str, params: dict[str, Any]) -> list[tuple[str, RawItem]]:
    if operation == "PutItem":
        return [(params["TableName"], _key_of(params["TableName"], params["Item"]))]
    if operation in ("UpdateItem", "DeleteItem"):
        return [(params["TableName"], params["Key"])]
    if operation == "BatchWriteItem":
        return [
            (
                table,
                _key_of(table, request["PutRequest"]["Item"])
                if "PutRequest" in request
                else request["DeleteRequest"]["Key"],
            )
            for table, requests in params["RequestItems"].items()
            for request in requests
        ]
    if operation == "TransactWriteItems":
        found = []
        for entry in params["TransactItems"]:
            (kind, action), *_ = entry.items()
            if kind != "ConditionCheck":
                found.append(
                    (action["TableName"], _key_of(action["TableName"], action.get("Item") or action["Key"]))
                )
        return found
    return []


def _is_strong(operation: str, params: dict[str, Any]) -> bool:
    if operation == "TransactGetItems":
        return True
    if operation == "BatchGetItem":
        return any(request.get("ConsistentRead") for request in params["RequestItems"].values())
    return bool(params.get("ConsistentRead"))


def _remember_params(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
    context["bench_params"] = params


def _record_payloads(parsed: dict[str, Any], model: Any, context: dict[str, Any], **_: Any) -> None:
    if not _taps or "Error" in parsed:
        return
    operation, params = model.name, context.get("bench_params", {})
    returned = _returned_items(operation, parsed)
    for traffic in _taps:
        if operation in READ_OPERATIONS:
            traffic.read_items += len(returned)
            traffic.read_bytes += sum(item_size(item) for item in returned)
            if _is_strong(operation, params):
                traffic.strong_reads += 1
            else:
                traffic.eventual_reads += 1
        traffic.written_keys.extend(_written_keys(operation, params))


def watch(client: Any) -> None:
    """Count ``client``'s requests (spooky's observer) and record their payloads (this module)."""
    instrument(client)
    if client in _tapped:
        return
    client.meta.events.register("provide-client-params.dynamodb.*", _remember_params)
    client.meta.events.register("after-call.dynamodb.*", _record_payloads)
    _tapped.add(client)


def _on_pre_send(sender: Any, **_: Any) -> None:
    watch(sender.client)


pre_dynamodb_send.connect(_on_pre_send, weak=False)


def _model_classes(base: type[Model] = KeyedModel) -> Iterator[type[Model]]:
    for subclass in base.__subclasses__():
        yield subclass
        yield from _model_classes(subclass)


def watch_all_clients() -> None:
    """Watch every client the code may use, including those that batch calls reach without PynamoDB."""
    for model_cls in _model_classes():
        watch(raw_client(model_cls))
    watch(transaction_connection().client)
    watch(_idempotency_client())


def _idempotency_client() -> Any:
    # Powertools' idempotency store sends with its own boto3 client, outside PynamoDB's signals.
    from spooky.idempotency import _store
    from spooky.settings import get_settings

    settings = get_settings()
    return _store(settings.idempotency_table_name, settings.dynamodb_endpoint_url, settings.aws_region).client


# ---------------------------------------------------------------- cost of a block


@dataclass(frozen=True)
class Cost:
    observations: tuple[Observation, ...]
    traffic: Traffic

    @property
    def requests(self) -> int:
        return len(self.observations)

    @property
    def read_units(self) -> float:
        return sum(o.total_capacity for o in self.observations if o.operation in READ_OPERATIONS)

    @property
    def write_units(self) -> float:
        return sum(o.total_capacity for o in self.observations if o.operation in WRITE_OPERATIONS)

    @property
    def operations(self) -> str:
        """E.g. "Query(AppTable/UserPosts)" per request, in order."""
        return ", ".join(_request_label(o) for o in self.observations)

    @property
    def errors(self) -> list[str]:
        return [o.error_code for o in self.observations if o.error_code]


def _request_label(observation: Observation) -> str:
    tables = "+".join(_short(table) for table in observation.tables)
    index = f"/{observation.index_name}" if observation.index_name else ""
    return f"{observation.operation}({tables}{index})"


def _short(table: str) -> str:
    for logical in ("AppTable", "AuthTable", "IdempotencyTable", "AuditTable"):
        if table.endswith(logical):
            return logical
    return table


@contextmanager
def measured() -> Iterator[list[Cost]]:
    """Yields a list that holds the block's Cost once the block ends."""
    watch_all_clients()
    traffic = Traffic()
    _taps.append(traffic)
    result: list[Cost] = []
    try:
        with recording() as seen:
            yield result
    finally:
        _taps.remove(traffic)
    result.append(Cost(tuple(seen), traffic))


@dataclass(frozen=True)
class Written:
    items: int
    deleted: int
    bytes: int

    def describe(self) -> str:
        text = f"{self.items} / {self.bytes / 1024:.1f}"
        return text + (f" + {self.deleted} deleted" if self.deleted else "")


def written(client: Any, keys: list[tuple[str, RawItem]]) -> Written:
    """The items a block wrote, as stored afterwards (read back with ``client``, outside the count)."""
    unique = {(table, json.dumps(key, sort_keys=True)): (table, key) for table, key in keys}
    present, total = 0, 0
    for table, key in unique.values():
        item = client.get_item(TableName=table, Key=key, ConsistentRead=True).get("Item")
        if item:
            present += 1
            total += item_size(item)
    return Written(present, len(unique) - present, total)


# ---------------------------------------------------------------- timings


@dataclass(frozen=True)
class Timing:
    samples_ms: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p99(self) -> float:
        if len(self.samples_ms) < 2:
            return self.samples_ms[0]
        return statistics.quantiles(self.samples_ms, n=100, method="inclusive")[98]


def timed(action: Callable[[], object], repeats: int, warm_up: int = 2) -> Timing:
    for _ in range(warm_up):
        action()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return Timing(tuple(samples))
