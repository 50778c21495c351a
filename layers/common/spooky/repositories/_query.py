"""One Query request, returning raw items: the building block of every listing (no hidden follow-ups)."""

from __future__ import annotations

from typing import Any, NamedTuple

from pynamodb.expressions.condition import Condition
from pynamodb.models import Model

RawItem = dict[str, Any]


class RawPage(NamedTuple):
    items: list[RawItem]
    last_evaluated_key: RawItem | None


def query_once(
    model_cls: type[Model],
    hash_key: str,
    range_key_condition: Condition | None = None,
    *,
    index_name: str | None = None,
    limit: int,
    newest_first: bool = True,
    exclusive_start_key: RawItem | None = None,
    consistent_read: bool = False,
) -> RawPage:
    """A single Query request (PynamoDB's iterators would silently send more to fill ``limit``)."""
    response = model_cls._get_connection().query(
        hash_key,
        range_key_condition=range_key_condition,
        index_name=index_name,
        limit=limit,
        scan_index_forward=not newest_first,
        exclusive_start_key=exclusive_start_key,
        consistent_read=consistent_read,
        return_consumed_capacity="INDEXES",
    )
    return RawPage(items=response.get("Items", []), last_evaluated_key=response.get("LastEvaluatedKey"))


def key_of(raw: RawItem, names: tuple[str, ...]) -> dict[str, str]:
    """The string key attributes of a raw item (used as a cursor position)."""
    return {name: raw[name]["S"] for name in names}


def as_start_key(position: dict[str, str]) -> RawItem:
    return {name: {"S": value} for name, value in position.items()}
