"""Scheduled backup verification drill: each run verifies finished restores or starts new ones.

The run's checks stop CLEANUP_RESERVE before the function's timeout, so their drill tables are always
deleted in time (a killed run would leave them: the next run deletes those first).

See spooky_jobs.backup_drill; `python -m devtools.backup_drill` runs the whole drill at once.
"""

from datetime import timedelta
from typing import Any

from spooky.observability import background_handler, logger
from spooky_jobs import backup_drill

from aws_lambda_powertools.utilities.typing import LambdaContext


@background_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    remaining = timedelta(milliseconds=context.get_remaining_time_in_millis())
    budget = backup_drill.Budget.from_remaining(remaining)
    report = backup_drill.advance(backup_drill.dynamodb_client(), budget=budget)
    backup_drill.publish(report)
    checks = [{**check.__dict__, "passed": check.passed} for check in report.checks]
    summary = {
        "started": report.started,
        "inProgress": report.in_progress,
        "cleaned": report.cleaned,
        "checks": checks,
    }
    if report.verified and not report.passed:
        logger.error("Backup drill failed", extra={"drill": summary})
    else:
        logger.info("Backup drill step", extra={"drill": summary})
    return {"passed": report.passed if report.verified else None, **summary}
