"""template.yaml declares production-grade tables: on demand, TTL, PITR, SSE, streams, retained on delete."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from devtools.template import resources, table_definitions

TABLES = sorted(resources("AWS::DynamoDB::Table"))
# Tables holding user data; the others (e.g. idempotency records) are transient caches.
DATA_TABLES = ["AppTable", "AuthTable"]


def table(logical_id: str) -> dict[str, Any]:
    return resources("AWS::DynamoDB::Table")[logical_id]


def test_the_template_declares_the_app_and_auth_tables() -> None:
    assert {"AppTable", "AuthTable"} <= set(TABLES)


@pytest.mark.parametrize("logical_id", TABLES)
def test_tables_bill_per_request(logical_id: str) -> None:
    assert table(logical_id)["Properties"]["BillingMode"] == "PAY_PER_REQUEST"


@pytest.mark.parametrize("logical_id", TABLES)
def test_tables_expire_items_through_ttl(logical_id: str) -> None:
    assert table(logical_id)["Properties"]["TimeToLiveSpecification"]["Enabled"] is True


@pytest.mark.parametrize("logical_id", DATA_TABLES)
def test_data_tables_expire_items_through_their_ttl_attribute(logical_id: str) -> None:
    assert table(logical_id)["Properties"]["TimeToLiveSpecification"] == {
        "AttributeName": "ttl",
        "Enabled": True,
    }


@pytest.mark.parametrize("logical_id", TABLES)
def test_tables_have_point_in_time_recovery_and_encryption(logical_id: str) -> None:
    properties = table(logical_id)["Properties"]
    assert properties["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert properties["SSESpecification"]["SSEEnabled"] is True


@pytest.mark.parametrize("logical_id", DATA_TABLES)
def test_data_tables_stream_old_and_new_images_for_the_audit_log(logical_id: str) -> None:
    assert table(logical_id)["Properties"]["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}


@pytest.mark.parametrize("logical_id", DATA_TABLES)
def test_data_tables_survive_stack_deletion_and_replacement(logical_id: str) -> None:
    resource = table(logical_id)
    assert resource["DeletionPolicy"] == "Retain"
    assert resource["UpdateReplacePolicy"] == "Retain"
    assert resource["Properties"]["DeletionProtectionEnabled"] == {"Fn::If": ["IsProd", True, False]}


@pytest.mark.parametrize("logical_id", TABLES)
def test_table_names_come_from_the_stack(logical_id: str) -> None:
    assert "TableName" not in table(logical_id)["Properties"]


@pytest.mark.parametrize("logical_id", TABLES)
def test_every_key_attribute_is_defined_and_every_definition_is_a_key(logical_id: str) -> None:
    properties = table_definitions()[logical_id]
    schemas = [properties["KeySchema"]] + [
        index["KeySchema"] for index in properties.get("GlobalSecondaryIndexes", [])
    ]
    used = {key["AttributeName"] for schema in schemas for key in schema}
    assert {item["AttributeName"] for item in properties["AttributeDefinitions"]} == used


def test_local_tables_get_the_templates_ttl_and_point_in_time_recovery(moto_tables: dict[str, str]) -> None:
    # DynamoDB Local has no backup API, so PITR is checked on moto.
    client = boto3.client("dynamodb", region_name="us-east-1")
    for logical_id, name in moto_tables.items():
        expected_ttl = table(logical_id)["Properties"]["TimeToLiveSpecification"]["AttributeName"]
        backups = client.describe_continuous_backups(TableName=name)["ContinuousBackupsDescription"]
        assert backups["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "ENABLED"
        ttl = client.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
        assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", expected_ttl)
