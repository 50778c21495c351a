"""Read a DynamoDB Local table's stream and hand it to a function as Lambda's event source mapping would."""

from __future__ import annotations

from typing import Any

import boto3

from spooky_jobs.changes import TTL_PRINCIPAL

LAMBDA_EVENT_NAMES = ("INSERT", "MODIFY", "REMOVE")


class TableStream:
    """Every record of one table's stream, read from where the previous read stopped."""

    def __init__(self, endpoint: str, table_name: str) -> None:
        self._streams = boto3.client(
            "dynamodbstreams",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )
        dynamodb = boto3.client(
            "dynamodb",
            endpoint_url=endpoint,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )
        self.arn: str = dynamodb.describe_table(TableName=table_name)["Table"]["LatestStreamArn"]
        self._positions: dict[str, str | None] = {}

    def _iterator(self, shard_id: str) -> str | None:
        after = self._positions.get(shard_id)
        request: dict[str, Any] = {"StreamArn": self.arn, "ShardId": shard_id}
        if after:
            request.update(ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber=after)
        else:
            request.update(ShardIteratorType="TRIM_HORIZON")
        iterator: str | None = self._streams.get_shard_iterator(**request)["ShardIterator"]
        return iterator

    def read(self) -> list[dict[str, Any]]:
        """New records, shaped like the records of Lambda's DynamoDB event."""
        records: list[dict[str, Any]] = []
        shards = self._streams.describe_stream(StreamArn=self.arn)["StreamDescription"]["Shards"]
        for shard in shards:
            iterator = self._iterator(shard["ShardId"])
            while iterator:
                page = self._streams.get_records(ShardIterator=iterator)
                records.extend(self._as_lambda_record(raw) for raw in page["Records"])
                if page["Records"]:
                    self._positions[shard["ShardId"]] = page["Records"][-1]["dynamodb"]["SequenceNumber"]
                if not page["Records"]:
                    break
                iterator = page.get("NextShardIterator")
        return records

    def _as_lambda_record(self, raw: dict[str, Any]) -> dict[str, Any]:
        record = {**raw, "awsRegion": "us-east-1", "eventSourceARN": self.arn}
        created = raw["dynamodb"]["ApproximateCreationDateTime"]
        record["dynamodb"] = {**raw["dynamodb"], "ApproximateCreationDateTime": created.timestamp()}
        if raw["eventName"] not in LAMBDA_EVENT_NAMES:
            # DynamoDB Local marks TTL deletions with an unknown event name and no identity.
            return as_ttl_deletion(record)
        return record


def as_ttl_deletion(record: dict[str, Any]) -> dict[str, Any]:
    """A REMOVE record as the service sends it for a TTL deletion: the DynamoDB service is the user."""
    return {
        **record,
        "eventName": "REMOVE",
        "userIdentity": {"type": "Service", "principalId": TTL_PRINCIPAL},
    }


def lambda_event(records: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Records": records}
