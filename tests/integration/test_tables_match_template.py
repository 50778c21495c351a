"""The tables the tests run against (on DynamoDB Local) are exactly the ones template.yaml declares."""

from __future__ import annotations

from typing import Any

import pytest

from devtools.template import table_definitions
from tests.integration.conftest import LocalDynamo

TABLES = sorted(table_definitions())


def key_schema(schema: list[dict[str, str]]) -> list[tuple[str, str]]:
    return sorted((key["AttributeName"], key["KeyType"]) for key in schema)


def attributes(definitions: list[dict[str, str]]) -> dict[str, str]:
    return {item["AttributeName"]: item["AttributeType"] for item in definitions}


def indexes(declared: list[dict[str, Any]]) -> dict[str, tuple[list[tuple[str, str]], str]]:
    return {
        index["IndexName"]: (key_schema(index["KeySchema"]), index["Projection"]["ProjectionType"])
        for index in declared
    }


@pytest.fixture(scope="module")
def described(local_dynamo: LocalDynamo, shared_table_names: dict[str, str]) -> dict[str, dict[str, Any]]:
    client: Any = local_dynamo.client()
    return {
        logical_id: {
            "table": client.describe_table(TableName=name)["Table"],
            "ttl": client.describe_time_to_live(TableName=name)["TimeToLiveDescription"],
        }
        for logical_id, name in shared_table_names.items()
    }


def test_every_template_table_exists(described: dict[str, dict[str, Any]]) -> None:
    assert sorted(described) == TABLES


@pytest.mark.parametrize("logical_id", TABLES)
def test_key_schema_and_attribute_definitions_match(
    described: dict[str, dict[str, Any]], logical_id: str
) -> None:
    table, declared = described[logical_id]["table"], table_definitions()[logical_id]
    assert key_schema(table["KeySchema"]) == key_schema(declared["KeySchema"])
    assert attributes(table["AttributeDefinitions"]) == attributes(declared["AttributeDefinitions"])


@pytest.mark.parametrize("logical_id", TABLES)
def test_global_secondary_indexes_match(described: dict[str, dict[str, Any]], logical_id: str) -> None:
    table, declared = described[logical_id]["table"], table_definitions()[logical_id]
    assert indexes(table.get("GlobalSecondaryIndexes", [])) == indexes(
        declared.get("GlobalSecondaryIndexes", [])
    )


@pytest.mark.parametrize("logical_id", TABLES)
def test_ttl_attribute_matches(described: dict[str, dict[str, Any]], logical_id: str) -> None:
    ttl, declared = described[logical_id]["ttl"], table_definitions()[logical_id]["TimeToLiveSpecification"]
    assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", declared["AttributeName"])


@pytest.mark.parametrize("logical_id", TABLES)
def test_stream_view_type_matches(described: dict[str, dict[str, Any]], logical_id: str) -> None:
    table, declared = described[logical_id]["table"], table_definitions()[logical_id]
    expected = declared.get("StreamSpecification")
    actual = table.get("StreamSpecification")
    if expected is None:
        assert actual is None or actual["StreamEnabled"] is False
    else:
        assert actual == {"StreamEnabled": True, "StreamViewType": expected["StreamViewType"]}


@pytest.mark.parametrize("logical_id", TABLES)
def test_billing_mode_matches(described: dict[str, dict[str, Any]], logical_id: str) -> None:
    summary = described[logical_id]["table"].get("BillingModeSummary", {})
    assert summary.get("BillingMode") == table_definitions()[logical_id]["BillingMode"]
