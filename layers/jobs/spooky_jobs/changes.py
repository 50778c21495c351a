"""What a DynamoDB Streams record says about an item: which change, by whom, old and new values."""

from __future__ import annotations

import base64
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)

from spooky.clock import utcnow

# TTL deletions are the only stream records with a user identity: the DynamoDB service itself.
TTL_PRINCIPAL = "dynamodb.amazonaws.com"


def is_ttl_expiry(record: DynamoDBRecord) -> bool:
    identity = record.user_identity or {}
    return (
        record.event_name == DynamoDBRecordEventName.REMOVE
        and identity.get("type") == "Service"
        and identity.get("principalId") == TTL_PRINCIPAL
    )


def source_table(record: DynamoDBRecord) -> str:
    """The table name in ``arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>``."""
    arn = record.event_source_arn or ""
    return arn.split(":table/", 1)[-1].split("/stream/", 1)[0] if ":table/" in arn else ""


def occurred_at(record: DynamoDBRecord) -> datetime:
    seconds = record.dynamodb.approximate_creation_date_time if record.dynamodb else None
    return datetime.fromtimestamp(seconds, UTC) if seconds is not None else utcnow()


def keys_of(record: DynamoDBRecord) -> dict[str, Any]:
    return dict(record.dynamodb.keys) if record.dynamodb else {}


def old_image(record: DynamoDBRecord) -> dict[str, Any] | None:
    return dict(record.dynamodb.old_image) if record.dynamodb and record.dynamodb.old_image else None


def new_image(record: DynamoDBRecord) -> dict[str, Any] | None:
    return dict(record.dynamodb.new_image) if record.dynamodb and record.dynamodb.new_image else None


def plain(value: Any) -> Any:
    """A deserialised DynamoDB value as JSON-like data (numbers, strings, lists, maps)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if _is_boto3_binary(value):
        value = value.value
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if isinstance(value, set | frozenset):
        return sorted(plain(member) for member in value)
    if isinstance(value, Mapping):
        return {key: plain(member) for key, member in value.items()}
    if isinstance(value, list):
        return [plain(member) for member in value]
    return value


def _is_boto3_binary(value: Any) -> bool:
    """Whether ``value`` is boto3's Binary (its TypeDeserializer's), without importing boto3 for it, ~25 ms
    of a cold start: an instance can only exist once its module is loaded, and Powertools' stream records
    hold plain bytes."""
    types = sys.modules.get("boto3.dynamodb.types")
    return types is not None and isinstance(value, types.Binary)
