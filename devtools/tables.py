"""Create the DynamoDB tables declared in template.yaml (on DynamoDB Local or moto)."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from devtools.template import table_definitions


def table_name(logical_id: str, prefix: str = "") -> str:
    return f"{prefix}{logical_id}"


def create_table_request(properties: dict[str, Any], name: str) -> dict[str, Any]:
    """The CreateTable arguments equivalent to an AWS::DynamoDB::Table's properties."""
    request: dict[str, Any] = {
        "TableName": name,
        "AttributeDefinitions": properties["AttributeDefinitions"],
        "KeySchema": properties["KeySchema"],
        "BillingMode": properties.get("BillingMode", "PROVISIONED"),
    }
    if "GlobalSecondaryIndexes" in properties:
        request["GlobalSecondaryIndexes"] = [
            {key: index[key] for key in ("IndexName", "KeySchema", "Projection")}
            for index in properties["GlobalSecondaryIndexes"]
        ]
    stream = properties.get("StreamSpecification")
    if stream:
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
    return request


def create_tables(client: Any, prefix: str = "") -> dict[str, str]:
    """Create every template table that does not exist yet; returns logical id -> table name."""
    names: dict[str, str] = {}
    existing = set(client.list_tables().get("TableNames", []))
    for logical_id, properties in table_definitions().items():
        name = table_name(logical_id, prefix)
        names[logical_id] = name
        if name in existing:
            continue
        try:
            client.create_table(**create_table_request(properties, name))
            created = True
        except ClientError as error:
            # Another local tool is creating it right now (e.g. `make invoke` next to `make api`).
            if error.response["Error"]["Code"] != "ResourceInUseException":
                raise
            created = False
        client.get_waiter("table_exists").wait(
            TableName=name, WaiterConfig={"Delay": 0.1, "MaxAttempts": 100}
        )
        if created:
            _apply_table_settings(client, name, properties)
    return names


def _apply_table_settings(client: Any, name: str, properties: dict[str, Any]) -> None:
    ttl = properties.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled"):
        client.update_time_to_live(
            TableName=name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl["AttributeName"]},
        )
    pitr = properties.get("PointInTimeRecoverySpecification", {})
    if pitr.get("PointInTimeRecoveryEnabled"):
        try:
            client.update_continuous_backups(
                TableName=name,
                PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
            )
        except ClientError as error:
            # DynamoDB Local has no backup API (UnknownOperationException); moto and AWS do.
            if error.response["Error"]["Code"] != "UnknownOperationException":
                raise
