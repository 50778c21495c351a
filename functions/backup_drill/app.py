"""Scheduled backup verification drill: each run verifies finished restores or starts new ones.

See spooky.services.backup_drill; `python -m devtools.backup_drill` runs the whole drill at once.
"""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from spooky.monitoring import background_handler
from spooky.observability import logger
from spooky.services import backup_drill


@background_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    report = backup_drill.advance(backup_drill.dynamodb_client())
    backup_drill.publish(report)
    checks = [{**check.__dict__, "passed": check.passed} for check in report.checks]
    summary = {"started": report.started, "inProgress": report.in_progress, "checks": checks}
    if report.verified and not report.passed:
        logger.error("Backup drill failed", extra={"drill": summary})
    else:
        logger.info("Backup drill step", extra={"drill": summary})
    return {"passed": report.passed if report.verified else None, **summary}
