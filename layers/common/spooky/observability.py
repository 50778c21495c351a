"""Logger, Metrics and Tracer (one of each per process, configured by POWERTOOLS_* variables), the metrics
of every DynamoDB request, and the entry-point decorators every Lambda function wears.

spooky.db.observe observes the requests; this module publishes what it sees, with Powertools (EMF), from
whichever function made them: query time (``DynamoDBLatency``), index usage (consumed capacity per table
and per index), throttles, conditional-check failures, and transaction conflicts, DynamoDB's analogue of
deadlocks (docs/operations.md).

Powertools flushes one dimension set per invocation, so table and index go into the metric name,
not a dimension: ``ConsumedCapacity.<table>`` and ``ConsumedCapacity.<table>.<index>``. Tables are
named by their logical id in template.yaml, which keeps the number of metric names small and fixed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.metrics.functions import is_metrics_disabled
from aws_lambda_powertools.utilities.typing import LambdaContext

from spooky import startup
from spooky.db.errors import CONDITION_CODES, CONFLICT_CODES, EXPECTED_CODES, THROTTLE_CODES
from spooky.db.observe import Observation, add_listener, invoked_as
from spooky.settings import get_settings

# What X-Ray traces: every AWS request (botocore: boto3 clients such as SES and SSM) and PynamoDB's
# DynamoDB requests. These are all the libraries the functions call out with that the X-Ray SDK can patch;
# its default, patch_all, would also import and patch sqlite3 and try a dozen absent database drivers at
# every cold start.
TRACED_MODULES = ("botocore", "pynamodb")

logger = Logger()
metrics = Metrics()
tracer = Tracer(patch_modules=TRACED_MODULES)

R = TypeVar("R")
EntryPoint = Callable[[dict[str, Any], LambdaContext], R]
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


def install() -> None:
    """Publish metrics for every DynamoDB request of this process (idempotent)."""
    add_listener(publish)


def entry_point[R](handler: EntryPoint[R], *, correlation_id_path: str | None = None) -> EntryPoint[R]:
    """Logging context (correlation id from ``correlation_id_path``), metrics flush and tracing, in that
    order. Events are never logged and responses never traced (whatever POWERTOOLS_LOGGER_LOG_EVENT says):
    they carry passwords, cookies and tokens. DynamoDB requests made inside are attributed to the function
    and published as metrics.
    """
    install()

    @logger.inject_lambda_context(correlation_id_path=correlation_id_path, clear_state=True, log_event=False)
    @metrics.log_metrics(capture_cold_start_metric=True)
    @tracer.capture_lambda_handler(capture_response=False)
    def wrapped(event: dict[str, Any], context: LambdaContext) -> R:
        # Locally metrics are disabled, and Powertools then neither publishes nor clears them at flush:
        # they would pile up across invocations, and a metric's 100th value print after all.
        if metrics.metric_set and is_metrics_disabled():
            metrics.clear_metrics()
        with invoked_as(context.function_name):
            return handler(event, context)

    entry: EntryPoint[R] = wrapped
    startup.end()  # the handler's module ends with its entry point: the init is over
    return entry


def instrumented[R](handler: EntryPoint[R]) -> EntryPoint[R]:
    """The entry-point stack for API Gateway events (routes and the authorizer): the request id is the
    correlation id."""
    return entry_point(handler, correlation_id_path=correlation_paths.API_GATEWAY_REST)


def background_handler[R](handler: EntryPoint[R]) -> EntryPoint[R]:
    """The entry-point stack for functions without a route (streams, schedules)."""
    return entry_point(handler)
