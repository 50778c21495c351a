"""Items read into models by spooky.models.reading are exactly what PynamoDB would build, errors included."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pynamodb.attributes import (
    Attribute,
    BooleanAttribute,
    DiscriminatorAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.models import Model

import spooky.models.app
import spooky.models.audit
import spooky.models.auth
from spooky.models.base import KeyedModel, app_table_meta
from spooky.models.reading import item_reader

MISSING = object()


def _models(base: type[Model]) -> list[type[Model]]:
    return [found for sub in base.__subclasses__() for found in (sub, *_models(sub))]


# Every model module, imported: a model is found as a subclass of KeyedModel.
MODEL_MODULES = (spooky.models.app, spooky.models.audit, spooky.models.auth)
# Any ASCII digits in every position of YYYY-MM-DDTHH:MM:SS.ffffff+0000 (digits of other scripts are
# covered by the arbitrary text): the strings the fast date parser takes, valid or not.
STORED_DATE_SHAPE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}\+0000"
# Dates in that shape that some parser could get wrong: hour 24 (newer Pythons' fromisoformat read it as
# the next midnight), February 29 of a year that has none, February 30, year 0, month 13, and digits of
# another script.
TRICKY_DATES = (
    "2026-12-01T24:00:00.000000+0000",
    "2026-02-29T00:00:00.000000+0000",
    "2024-02-29T23:59:59.999999+0000",
    "2026-02-30T12:00:00.000000+0000",
    "0000-01-01T00:00:00.000000+0000",
    "2026-13-01T00:00:00.000000+0000",
    "\uff12\uff10\uff12\uff16-12-01T00:00:00.000000+0000",  # fullwidth digits: 2026
)
# Numbers some parser could get wrong: leading zeros and underscores (int() takes them, JSON does not),
# digits of another script, signs, fractions, exponents, and more digits than any int64.
TRICKY_NUMBERS = ("0", "00", "01", "1_0", "\u0663", "-0", "+1", "1.50", "1e3", " 1", "9" * 40, "")
MODELS = sorted(set(_models(KeyedModel)), key=lambda model: model.__name__)


class Versioned(KeyedModel):
    """Attribute classes the project's models do not use yet, each with its own __set__ or default, and a
    date and a number for the tricky values."""

    Meta = app_table_meta()
    version = VersionAttribute(default=1.0)  # its __set__ makes it an int
    expires = TTLAttribute(null=True)
    tags = ListAttribute(of=UnicodeAttribute, default=list)
    count = NumberAttribute(default=lambda: 7)
    created = UTCDateTimeAttribute(null=True)


def _python_values(attribute: Attribute[Any]) -> st.SearchStrategy[Any]:
    numbers = st.integers(-(10**30), 10**30) | st.floats(allow_nan=False, allow_infinity=False)
    strategies: list[tuple[type[Attribute[Any]], st.SearchStrategy[Any]]] = [
        (TTLAttribute, st.datetimes(timezones=st.just(UTC)).filter(lambda d: d.year >= 1970)),
        (UTCDateTimeAttribute, st.datetimes(timezones=st.just(UTC))),
        (BooleanAttribute, st.booleans()),
        (NumberAttribute, numbers),
        (ListAttribute, st.lists(st.text(max_size=5), max_size=3)),
        (MapAttribute, st.dictionaries(st.text(max_size=5), st.text(max_size=5) | numbers, max_size=3)),
        (UnicodeAttribute, st.text(max_size=20)),
    ]
    for kind, values in strategies:
        if isinstance(attribute, kind):
            return values
    raise AssertionError(f"no strategy for {type(attribute).__name__}: add one")


def _stored(attribute: Attribute[Any]) -> st.SearchStrategy[Any]:
    """What an item may hold under the attribute's name: nothing, NULL, a value of its type, a value of
    another type, text under its own type (a malformed date or number), or no typed value at all."""
    other_type = "N" if attribute.attr_type != "N" else "S"
    return st.one_of(
        st.just(MISSING),
        st.just({"NULL": True}),
        _python_values(attribute).map(lambda value: {attribute.attr_type: attribute.serialize(value)}),
        st.text(max_size=8).map(lambda text: {other_type: text}),
        st.text(max_size=8).map(lambda text: {attribute.attr_type: text}),
        st.text(alphabet="NSLMBUL", max_size=4),
        *([_date_shaped_text()] if isinstance(attribute, UTCDateTimeAttribute) else []),
        *(
            [st.sampled_from(TRICKY_NUMBERS).map(lambda text: {"N": text})]
            if attribute.attr_type == "N"
            else []
        ),
    )


def _date_shaped_text() -> st.SearchStrategy[dict[str, str]]:
    """Text in the stored date format's shape, valid or not (month 13, February 30, year 0)."""
    shaped = st.from_regex(STORED_DATE_SHAPE, fullmatch=True) | st.sampled_from(TRICKY_DATES)
    return shaped.map(lambda text: {"S": text})


def _items(model: type[Model]) -> st.SearchStrategy[dict[str, Any]]:
    attributes = model.get_attributes().values()
    return st.fixed_dictionaries({attribute.attr_name: _stored(attribute) for attribute in attributes}).map(
        lambda item: {name: typed for name, typed in item.items() if typed is not MISSING}
    )


def _built(build: Any, model: type[Model], raw: dict[str, Any]) -> tuple[str, Any]:
    try:
        instance = build(model, raw)
    except Exception as error:  # the same class and message on both sides
        return ("error", (type(error), str(error)))
    # Types compare too (1 == 1.0), and time zones (equal datetimes may differ in theirs); maps as
    # dicts, since a MapAttribute's == builds a condition.
    values = {
        name: (
            type(value),
            value.as_dict() if isinstance(value, MapAttribute) else value,
            value.tzinfo if isinstance(value, datetime) else None,
        )
        for name, value in instance.attribute_values.items()
    }
    return ("built", (type(instance), values))


def _pynamodb(model: type[Model], raw: dict[str, Any]) -> Model:
    return Model._instantiate.__func__(model, raw)  # type: ignore[attr-defined,no-any-return]


def _ours(model: type[Model], raw: dict[str, Any]) -> Model:
    return model.from_raw_data(raw)


@pytest.mark.parametrize("model", [*MODELS, Versioned], ids=lambda model: model.__name__)
def test_every_model_is_read_as_pynamodb_reads_it(model: type[Model]) -> None:
    assert item_reader(model) is not None  # the fast path is the one under test

    @settings(max_examples=150, deadline=None)
    @given(_items(model))
    def same(raw: dict[str, Any]) -> None:
        assert _built(_ours, model, raw) == _built(_pynamodb, model, raw)

    same()


@pytest.mark.parametrize(
    ("name", "typed"),
    [
        *(("created", {"S": text}) for text in TRICKY_DATES),
        *(("count", {"N": text}) for text in TRICKY_NUMBERS),
    ],
    ids=repr,
)
def test_tricky_values_are_read_as_pynamodb_reads_them(name: str, typed: dict[str, str]) -> None:
    raw = {"pk": {"S": "k"}, "sk": {"S": "s"}, name: typed}

    assert _built(_ours, Versioned, raw) == _built(_pynamodb, Versioned, raw)


def test_a_read_item_is_an_independent_model() -> None:
    raw = {"pk": {"S": "k"}, "sk": {"S": "s"}}
    first, second = Versioned.from_raw_data(raw), Versioned.from_raw_data(raw)
    first.tags.append("x")  # a callable default gives each item its own value

    assert second.tags == []
    assert first.count == 7
    assert first.attribute_values["version"] == 1
    assert type(first.attribute_values["version"]) is int


def test_models_pynamodb_must_build_get_no_reader() -> None:
    class Tagged(KeyedModel):
        Meta = app_table_meta()
        kind = DiscriminatorAttribute()

    class Constructed(KeyedModel):
        Meta = app_table_meta()

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)

    assert item_reader(Tagged) is None
    assert item_reader(Constructed) is None
