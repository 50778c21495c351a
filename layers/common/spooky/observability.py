"""Logger, Metrics and Tracer (one of each per process, configured by POWERTOOLS_* variables), and the
one decorator stack every Lambda entry point wears."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from spooky.db.observe import invoked_as

logger = Logger()
metrics = Metrics()
tracer = Tracer()

R = TypeVar("R")
EntryPoint = Callable[[dict[str, Any], LambdaContext], R]


def entry_point[R](handler: EntryPoint[R], *, correlation_id_path: str | None = None) -> EntryPoint[R]:
    """Logging context (correlation id from ``correlation_id_path``), metrics flush and tracing, in that
    order. Events are never logged and responses never traced (whatever POWERTOOLS_LOGGER_LOG_EVENT says):
    they carry passwords, cookies and tokens. DynamoDB requests made inside are attributed to the function.
    """

    @logger.inject_lambda_context(correlation_id_path=correlation_id_path, clear_state=True, log_event=False)
    @metrics.log_metrics(capture_cold_start_metric=True)
    @tracer.capture_lambda_handler(capture_response=False)
    def wrapped(event: dict[str, Any], context: LambdaContext) -> R:
        with invoked_as(context.function_name):
            return handler(event, context)

    entry: EntryPoint[R] = wrapped
    return entry
