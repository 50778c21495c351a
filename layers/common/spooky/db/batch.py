"""Batch reads and writes that retry unprocessed items with jittered backoff (PynamoDB retries without)."""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple, TypeVar

from pynamodb.models import Model

from spooky.db.observe import instrument
from spooky.errors import ServiceUnavailable

M = TypeVar("M", bound=Model)
BATCH_GET_LIMIT = 100
BATCH_WRITE_LIMIT = 25
MAX_ROUNDS = 6
BASE_DELAY_SECONDS = 0.02


def raw_client(model_cls: type[Model]) -> Any:
    """The model's botocore client, observed like every PynamoDB call."""
    client = model_cls._get_connection().connection.client
    instrument(client)
    return client


def _pause(round_number: int) -> None:
    time.sleep(random.uniform(0, BASE_DELAY_SECONDS * 2**round_number))  # noqa: S311 - not cryptographic


def _chunks(items: Sequence[Any], size: int) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _key_names(model_cls: type[Model]) -> tuple[str, str]:
    hash_name, range_name = model_cls._hash_keyname, model_cls._range_keyname
    if hash_name is None or range_name is None:
        raise TypeError(f"{model_cls.__name__} needs a hash and a range key for batch reads")
    return hash_name, range_name


def _get_all(client: Any, request_items: dict[str, dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """One BatchGetItem (at most 100 keys over any tables), repeated only for unprocessed keys."""
    found: dict[str, list[dict[str, Any]]] = {table: [] for table in request_items}
    pending = request_items
    for round_number in range(MAX_ROUNDS):
        response = client.batch_get_item(RequestItems=pending, ReturnConsumedCapacity="INDEXES")
        for table, raws in response.get("Responses", {}).items():
            found[table].extend(raws)
        pending = response.get("UnprocessedKeys") or {}
        if not pending:
            return found
        _pause(round_number)
    raise ServiceUnavailable("DynamoDB left batch reads unprocessed; retry shortly")


def batch_get[M: Model](
    model_cls: type[M],
    keys: Sequence[tuple[str, str]],
    attributes: Sequence[str] | None = None,
    *,
    consistent_read: bool = False,
) -> list[M]:
    """Items for ``keys`` (missing ones are skipped), in the order of ``keys``.

    ``attributes`` are DynamoDB attribute names to project; keys are always fetched.
    """
    hash_name, range_name = _key_names(model_cls)
    table = model_cls.Meta.table_name
    request: dict[str, Any] = {"ConsistentRead": consistent_read}
    if attributes:
        names = sorted({*attributes, hash_name, range_name})
        request["ProjectionExpression"] = ", ".join(f"#a{i}" for i in range(len(names)))
        request["ExpressionAttributeNames"] = {f"#a{i}": name for i, name in enumerate(names)}
    found: dict[tuple[str, str], M] = {}
    for chunk in _chunks(list(dict.fromkeys(keys)), BATCH_GET_LIMIT):
        keys_attr = [{hash_name: {"S": h}, range_name: {"S": r}} for h, r in chunk]
        raws = _get_all(raw_client(model_cls), {table: {**request, "Keys": keys_attr}})[table]
        found.update(
            {(raw[hash_name]["S"], raw[range_name]["S"]): model_cls.from_raw_data(raw) for raw in raws}
        )
    return [found[key] for key in keys if key in found]


class ItemKey[M: Model](NamedTuple):
    """One item to read: its model and key (repositories build these; ``read_consistently`` reads them)."""

    model: type[M]
    hash_key: str
    range_key: str


class Items:
    """What one ``read_consistently`` found, looked up by the keys it was given."""

    def __init__(self, found: dict[tuple[str, str, str], Model]) -> None:
        self._found = found

    def get[M: Model](self, key: ItemKey[M]) -> M | None:
        item = self._found.get((key.model.Meta.table_name, key.hash_key, key.range_key))
        return item if isinstance(item, key.model) else None


def read_consistently(*wanted: ItemKey[Any]) -> Items:
    """Items of any models and tables (at most 100) in ONE strongly consistent BatchGetItem.

    How one request reads, say, a session with its user, or an email claim with its rate counters:
    repositories name the items (``ItemKey``), the caller reads them together.
    """
    request_items: dict[str, dict[str, Any]] = {}
    for key in dict.fromkeys(wanted):
        hash_name, range_name = _key_names(key.model)
        entry = request_items.setdefault(key.model.Meta.table_name, {"ConsistentRead": True, "Keys": []})
        entry["Keys"].append({hash_name: {"S": key.hash_key}, range_name: {"S": key.range_key}})
    raws = _get_all(raw_client(wanted[0].model), request_items)
    found: dict[tuple[str, str, str], Model] = {}
    for key in wanted:
        hash_name, range_name = _key_names(key.model)
        table = key.model.Meta.table_name
        for raw in raws[table]:
            if (raw[hash_name]["S"], raw[range_name]["S"]) == (key.hash_key, key.range_key):
                found[(table, key.hash_key, key.range_key)] = key.model.from_raw_data(raw)
    return Items(found)


def batch_write(model_cls: type[Model], puts: Sequence[Model] = (), deletes: Sequence[Model] = ()) -> None:
    """Put and delete items in batches of 25, retrying unprocessed items. Not atomic, not versioned."""
    client = raw_client(model_cls)
    requests: list[dict[str, Any]] = [{"PutRequest": {"Item": item.serialize()}} for item in puts] + [
        {"DeleteRequest": {"Key": _key_of(item)}} for item in deletes
    ]
    table = model_cls.Meta.table_name
    for chunk in _chunks(requests, BATCH_WRITE_LIMIT):
        pending = list(chunk)
        for round_number in range(MAX_ROUNDS):
            response = client.batch_write_item(
                RequestItems={table: pending}, ReturnConsumedCapacity="INDEXES"
            )
            pending = response.get("UnprocessedItems", {}).get(table, [])
            if not pending:
                break
            _pause(round_number)
        else:
            raise ServiceUnavailable("DynamoDB left batch writes unprocessed; retry shortly")


def _key_of(item: Model) -> dict[str, Any]:
    serialized = item.serialize(null_check=False)  # a key-only item is enough to name what to delete
    return {name: serialized[name] for name in (item._hash_keyname, item._range_keyname) if name}
