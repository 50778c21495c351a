"""The health canary: GET /health's database check (spooky.services.health), run on a schedule and
published as the DatabaseHealthy metric.

The alarm on DatabaseHealthy treats missing data as failing, so a canary that cannot run alarms too.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit

from spooky.observability import logger, metrics
from spooky.services.health import check_database


def run_canary() -> dict[str, Any]:
    """Check the database once, publish the result, and return it as the function's answer."""
    result = check_database()
    metrics.add_metric(name="DatabaseHealthy", unit=MetricUnit.Count, value=1 if result.healthy else 0)
    for check in result.checks:
        metrics.add_metric(name="HealthCheckLatency", unit=MetricUnit.Milliseconds, value=check.latency_ms)
    checks = [check._asdict() for check in result.checks]
    if not result.healthy:
        logger.error("Database health check failed", extra={"checks": checks})
    return {"healthy": result.healthy, "timestamp": result.timestamp.isoformat(), "checks": checks}
