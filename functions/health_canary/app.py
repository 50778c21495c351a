"""Every minute: the same database check as GET /health, published as the DatabaseHealthy metric.

The alarm on DatabaseHealthy treats missing data as failing, so a canary that cannot run alarms too.
"""

from typing import Any

from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from spooky.monitoring import background_handler
from spooky.observability import logger, metrics
from spooky.services.health import check_database


@background_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    result = check_database()
    metrics.add_metric(name="DatabaseHealthy", unit=MetricUnit.Count, value=1 if result.healthy else 0)
    for check in result.checks:
        metrics.add_metric(name="HealthCheckLatency", unit=MetricUnit.Milliseconds, value=check.latency_ms)
    checks = [check.__dict__ for check in result.checks]
    if not result.healthy:
        logger.error("Database health check failed", extra={"checks": checks})
    return {"healthy": result.healthy, "timestamp": result.timestamp.isoformat(), "checks": checks}
