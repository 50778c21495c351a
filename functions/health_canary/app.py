"""Every minute: the same database check as GET /health, published as the DatabaseHealthy metric
(spooky_jobs.canary)."""

from typing import Any

from spooky.observability import background_handler
from spooky_jobs.canary import run_canary

from aws_lambda_powertools.utilities.typing import LambdaContext


@background_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return run_canary()
