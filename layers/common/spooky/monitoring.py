"""Metrics of every DynamoDB request, published with Powertools (EMF) by whichever function made it.

The seed's monitoring items, for DynamoDB: query time (``DynamoDBLatency``), index usage (consumed
capacity per table and per index), throttles, conditional-check failures, and transaction
conflicts, DynamoDB's analogue of deadlocks (docs/operations.md).

Powertools flushes one dimension set per invocation, so table and index go into the metric name,
not a dimension: ``ConsumedCapacity.<table>`` and ``ConsumedCapacity.<table>.<index>``. Tables are
named by their logical id in template.yaml, which keeps the number of metric names small and fixed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from spooky.db.observe import Observation, add_listener
from spooky.observability import entry_point, metrics
from spooky.settings import get_settings

THROTTLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        # TransactWriteItems cancellation reasons
        "ThrottlingError",
        "ProvisionedThroughputExceeded",
    }
)
CONDITION_CODES = frozenset({"ConditionalCheckFailedException", "ConditionalCheckFailed"})
CONFLICT_CODES = frozenset({"TransactionConflict", "TransactionConflictException"})
# Answers that are part of normal control flow (a failed condition is how uniqueness is enforced).
EXPECTED_CODES = frozenset({*CONDITION_CODES, "TransactionCanceledException"})
# Requests are observed on the thread that sent them (the feed queries its shards in parallel), and
# Powertools' Metrics is not thread-safe: concurrent add_metric calls break its metric set.
_publish_lock = threading.Lock()


def table_label(table_name: str) -> str:
    """The logical id of a table in template.yaml, or Other."""
    settings = get_settings()
    labels = {
        settings.app_table_name: "AppTable",
        settings.auth_table_name: "AuthTable",
        settings.audit_table_name: "AuditTable",
        settings.idempotency_table_name: "IdempotencyTable",
    }
    return labels.get(table_name, "Other")


def publish(observation: Observation) -> None:
    with _publish_lock:
        _publish(observation)


def _publish(observation: Observation) -> None:
    metrics.add_metric(name="DynamoDBLatency", unit=MetricUnit.Milliseconds, value=observation.latency_ms)
    for capacity in observation.capacity:
        table = table_label(capacity.table)
        metrics.add_metric(name=f"ConsumedCapacity.{table}", unit=MetricUnit.Count, value=capacity.units)
        for index, units in capacity.indexes.items():
            metrics.add_metric(name=f"ConsumedCapacity.{table}.{index}", unit=MetricUnit.Count, value=units)
    codes = {observation.error_code, *observation.cancellation_codes} - {None}
    if codes & THROTTLE_CODES:
        metrics.add_metric(name="DynamoDBThrottles", unit=MetricUnit.Count, value=1)
    if codes & CONDITION_CODES:
        metrics.add_metric(name="ConditionalCheckFailures", unit=MetricUnit.Count, value=1)
    if codes & CONFLICT_CODES:
        metrics.add_metric(name="TransactionConflicts", unit=MetricUnit.Count, value=1)
    if (
        observation.error_code
        and observation.error_code not in EXPECTED_CODES | THROTTLE_CODES | CONFLICT_CODES
    ):
        metrics.add_metric(name="DynamoDBErrors", unit=MetricUnit.Count, value=1)


BackgroundHandler = Callable[[dict[str, Any], LambdaContext], Any]


def background_handler(handler: BackgroundHandler) -> BackgroundHandler:
    """The entry-point stack for functions without a route (streams, schedules)."""
    return entry_point(handler)


def install() -> None:
    """Publish metrics for every DynamoDB request of this process (idempotent)."""
    add_listener(publish)


install()
