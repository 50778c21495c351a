"""Every PynamoDB model describes the table template.yaml declares: same keys, same indexes, same TTL."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping, Sequence
from typing import Any

import pytest
from pynamodb.attributes import TTLAttribute
from pynamodb.models import Model

import spooky.models
from devtools.template import load_template, table_definitions
from spooky.models.app import EmailClaimModel, PostModel, UserModel
from spooky.models.auth import SessionEpochModel, SessionModel
from spooky.models.base import KeyedModel
from spooky.settings import Settings


def all_models() -> list[type[KeyedModel]]:
    """Every model of the package (imported here, so a new model module is checked without listing it)."""
    for module in pkgutil.iter_modules(spooky.models.__path__):
        importlib.import_module(f"spooky.models.{module.name}")
    return sorted(KeyedModel.__subclasses__(), key=lambda model: model.__name__)


# The default Settings name each table by its template logical id (deployed: the stack's names).
TABLE_NAME_OF_MODEL: dict[type[Model], str] = {model: model.Meta.table_name for model in all_models()}
TABLE_OF_MODEL = {model: name for model, name in TABLE_NAME_OF_MODEL.items() if name in table_definitions()}
MODELS = list(TABLE_OF_MODEL)


def attribute_types(definitions: Sequence[Mapping[str, object]]) -> dict[str, str]:
    return {str(item["AttributeName"]): str(item["AttributeType"]) for item in definitions}


def key_schema(schema: Sequence[Mapping[str, object]]) -> list[tuple[str, str]]:
    return sorted((str(item["KeyType"]), str(item["AttributeName"])) for item in schema)


def template_indexes(table: str) -> dict[str, tuple[list[tuple[str, str]], dict[str, Any]]]:
    return {
        index["IndexName"]: (key_schema(index["KeySchema"]), index["Projection"])
        for index in table_definitions()[table].get("GlobalSecondaryIndexes", [])
    }


def test_every_model_has_its_table_in_the_template() -> None:
    declared = table_definitions()
    missing = {model.__name__: name for model, name in TABLE_NAME_OF_MODEL.items() if name not in declared}
    assert missing == {}


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_model_key_schema_is_the_tables(model: type[Model]) -> None:
    table = table_definitions()[TABLE_OF_MODEL[model]]
    schema = model._get_schema()
    assert key_schema(schema["key_schema"]) == key_schema(table["KeySchema"])
    declared = attribute_types(table["AttributeDefinitions"])
    for name, kind in attribute_types(schema["attribute_definitions"]).items():
        assert declared[name] == kind, name


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_model_indexes_are_declared_in_the_template_with_the_same_keys_and_projection(
    model: type[Model],
) -> None:
    declared = template_indexes(TABLE_OF_MODEL[model])
    for index in model._get_schema()["global_secondary_indexes"]:
        assert declared[index["index_name"]] == (key_schema(index["key_schema"]), index["projection"])


@pytest.mark.parametrize("table", sorted(set(TABLE_OF_MODEL.values())))
def test_every_template_index_is_used_by_a_model(table: str) -> None:
    used = {
        index["index_name"]
        for model, model_table in TABLE_OF_MODEL.items()
        if model_table == table
        for index in model._get_schema()["global_secondary_indexes"]
    }
    assert used == set(template_indexes(table))


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_model_expiry_attribute_is_the_tables_ttl_attribute(model: type[Model]) -> None:
    ttl_names = [attr.attr_name for attr in model.get_attributes().values() if isinstance(attr, TTLAttribute)]
    expected = table_definitions()[TABLE_OF_MODEL[model]]["TimeToLiveSpecification"]["AttributeName"]
    # Email claims and session epochs live as long as their user (the retention purge removes them):
    # an expired epoch would revive the sessions it revoked. Everything else can expire.
    assert ttl_names == ([] if model in (EmailClaimModel, SessionEpochModel) else [expected])


def test_models_find_their_tables_through_the_environment_the_template_sets() -> None:
    environment = load_template()["Globals"]["Function"]["Environment"]["Variables"]
    assert environment["APP_TABLE_NAME"] == {"Ref": "AppTable"}
    assert environment["AUTH_TABLE_NAME"] == {"Ref": "AuthTable"}
    settings = Settings(APP_TABLE_NAME="stack-AppTable-1", AUTH_TABLE_NAME="stack-AuthTable-2")
    assert (settings.app_table_name, settings.auth_table_name) == ("stack-AppTable-1", "stack-AuthTable-2")


def test_models_read_the_table_name_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    from spooky.settings import get_settings

    monkeypatch.setenv("APP_TABLE_NAME", "stack-AppTable-XYZ")
    monkeypatch.setenv("AUTH_TABLE_NAME", "stack-AuthTable-XYZ")
    get_settings.cache_clear()
    assert UserModel.Meta.table_name == PostModel.Meta.table_name == "stack-AppTable-XYZ"
    assert SessionModel.Meta.table_name == "stack-AuthTable-XYZ"
