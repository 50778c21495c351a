"""Items read from DynamoDB into models in one pass, as PynamoDB would build them.

PynamoDB builds a model from an item in three passes: the constructor sets the defaults, the
deserialisation sets them again, then assigns each attribute through its descriptor. That costs
~18 µs a post, a large share of a listing's time above bare boto3 (docs/performance.md, section 4). A reader
does the same steps once, from a plan made per model class: ~4 µs a post.

The plan keeps PynamoDB's rules, attribute by attribute: defaults first (``attr.default``, called
when callable), then every attribute present and not NULL, read with its own ``get_value`` and
``deserialize`` (dates and plain integers by faster parsers with the same results), and stored in
``attribute_values`` as its descriptor stores it. An attribute class that customises any of these
(TTL and version attributes set through ``__set__``) is called as PynamoDB calls it. A model with
a discriminator or its own ``__init__`` gets no reader and is built by PynamoDB.
tests/unit/models/test_reading.py checks, for every model and any item, that the result (or the
error) is PynamoDB's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from pynamodb.attributes import Attribute, NumberAttribute, UTCDateTimeAttribute
from pynamodb.constants import NULL
from pynamodb.exceptions import AttributeDeserializationError
from pynamodb.models import Model

RawItem = dict[str, dict[str, Any]]
Reader = Callable[[RawItem], Any]


class _Field(NamedTuple):
    name: str  # the Python name: the key in attribute_values
    stored_as: str  # the item's attribute name
    attr_type: str  # the DynamoDB type descriptor, e.g. "S"
    deserialize: Callable[[Any], Any] | None  # None: the value is stored as read (strings)
    # Set where the attribute class customises reading or assignment: it reads and assigns the value.
    special: Callable[[Any, dict[str, Any]], None] | None


def _overrides(attribute: Attribute[Any], method: str) -> bool:
    return getattr(type(attribute), method) is not getattr(Attribute, method)


def _special(attribute: Attribute[Any]) -> Callable[[Any, dict[str, Any]], None]:
    def read_and_assign(instance: Any, typed: dict[str, Any]) -> None:
        attribute.__set__(instance, attribute.deserialize(attribute.get_value(typed)))

    return read_and_assign


# What UTCDateTimeAttribute writes (its DATETIME_FORMAT, %Y-%m-%dT%H:%M:%S.%f+0000), in ASCII digits.
# Hours stop at 23: newer Pythons' fromisoformat reads T24:00 as the next midnight; PynamoDB refuses it.
_STORED_UTC_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT(?:[01]\d|2[0-3]):\d\d:\d\d\.\d{6}\+0000", re.ASCII)


def _utc_datetime(text: Any) -> datetime:
    """UTCDateTimeAttribute.deserialize, in 0.3 µs rather than 1.1 µs (two dates a post): what PynamoDB
    writes is parsed by datetime.fromisoformat, which gives the same datetime (timezone.utc included);
    anything else, errors included, goes to PynamoDB's own parser."""
    if isinstance(text, str) and _STORED_UTC_DATETIME.fullmatch(text):
        try:
            return datetime.fromisoformat(text)
        except ValueError:  # e.g. month 13: PynamoDB's parser raises its own error
            pass
    return UTCDateTimeAttribute._fast_parse_utc_date_string(text)


def _whole_number(text: Any) -> Any:
    """NumberAttribute.deserialize (json.loads), in 0.1 µs rather than 0.75 µs for the plain integers
    DynamoDB returns for counters and versions: ASCII digits without a leading zero, which json.loads
    reads as int() does. Anything else (signs, fractions, exponents, errors) goes to json.loads."""
    if isinstance(text, str) and text.isascii() and text.isdigit() and (text[0] != "0" or text == "0"):
        return int(text)
    return json.loads(text)


def _deserializer(attribute: Attribute[Any]) -> Callable[[Any], Any] | None:
    if type(attribute).deserialize is UTCDateTimeAttribute.deserialize:
        return _utc_datetime
    if type(attribute).deserialize is NumberAttribute.deserialize:
        return _whole_number
    return attribute.deserialize if _overrides(attribute, "deserialize") else None


def _field(name: str, attribute: Attribute[Any]) -> _Field:
    special = _overrides(attribute, "get_value") or _overrides(attribute, "__set__")
    return _Field(
        name,
        attribute.attr_name,
        attribute.attr_type,
        _deserializer(attribute),
        _special(attribute) if special else None,
    )


@cache
def item_reader(model: type[Model]) -> Reader | None:
    """A function building ``model`` from a raw item, or None where PynamoDB must build it."""
    if model._get_discriminator_attribute() is not None or model.__init__ is not Model.__init__:
        return None
    attributes = model.get_attributes()
    fields = tuple(_field(name, attribute) for name, attribute in attributes.items())
    defaults = tuple(
        (name, attribute.default, attribute if _overrides(attribute, "__set__") else None)
        for name, attribute in attributes.items()
        if attribute.default is not None
    )

    def read(raw: RawItem) -> Any:
        instance = model.__new__(model)
        values: dict[str, Any] = {}
        instance.attribute_values = values
        for name, default, assign_through in defaults:
            value = default() if callable(default) else default
            if value is not None and assign_through is not None:
                assign_through.__set__(instance, value)
            elif value is not None:
                values[name] = value
        for name, stored_as, attr_type, deserialize, special in fields:
            typed = raw.get(stored_as)
            if not typed or NULL in typed:
                continue
            if special is not None:
                special(instance, typed)
                continue
            if attr_type not in typed:  # PynamoDB's own test, whatever ``typed`` is
                raise AttributeDeserializationError(stored_as, attr_type)
            value = typed[attr_type]
            values[name] = value if deserialize is None else deserialize(value)
        return instance

    return read
