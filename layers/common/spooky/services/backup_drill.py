"""Backup verification drill: restore the latest recovery point of each data table and check it.

A drill restores into a temporary table named ``<source>-drill-<UTC timestamp>``, then compares it
with the source: key schema and indexes, item counts, and two random samples (restored items must
equal their source unless changed since the recovery point; source items older than the recovery
point must be in the restored table). The temporary table is deleted afterwards.

Restores of real tables take minutes to hours, longer than a Lambda invocation, so the scheduled
function advances the drill one step per run (start, then verify and clean up), and the operator
command (``python -m devtools.backup_drill``) waits in between.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import boto3
from aws_lambda_powertools.metrics import MetricUnit
from pynamodb.constants import DATETIME_FORMAT

from spooky.clock import utcnow
from spooky.observability import metrics
from spooky.settings import get_settings

Source = Literal["auto", "backup", "pitr"]
RawItem = dict[str, Any]
DRILL_MARKER = "-drill-"
_STAMP = "%Y%m%dT%H%M%S"
# A restore still running after this long fails the drill (far beyond the RTO in docs/operations.md).
MAX_RESTORE_TIME = timedelta(hours=10)
# Writes that raced the recovery point may carry a timestamp slightly before it.
CLOCK_MARGIN = timedelta(minutes=1)


@dataclass(frozen=True)
class Limits:
    sample_size: int = 100
    # Items created or deleted between the recovery point and the check move the counts apart.
    count_tolerance_ratio: float = 0.05
    count_tolerance_items: int = 25


@dataclass
class TableCheck:
    source: str
    restored: str
    recovery_point: datetime | None = None
    source_items: int = 0
    restored_items: int = 0
    sampled: int = 0
    matched: int = 0
    changed_since: int = 0
    unverifiable: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


@dataclass
class DrillReport:
    checks: list[TableCheck] = field(default_factory=list)
    started: list[str] = field(default_factory=list)
    in_progress: list[str] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        return bool(self.checks)

    @property
    def passed(self) -> bool:
        return self.verified and all(check.passed for check in self.checks)


def dynamodb_client() -> Any:
    settings = get_settings()
    return boto3.client(
        "dynamodb", region_name=settings.aws_region, endpoint_url=settings.dynamodb_endpoint_url
    )


def data_tables() -> list[str]:
    """The tables the backup plan selects (template.yaml), by their deployed names."""
    settings = get_settings()
    return [settings.app_table_name, settings.auth_table_name, settings.audit_table_name]


def drill_table_name(source: str, now: datetime) -> str:
    return f"{source}{DRILL_MARKER}{now.strftime(_STAMP)}"


def _drill_started_at(name: str) -> datetime | None:
    try:
        return datetime.strptime(name.rsplit(DRILL_MARKER, 1)[1], _STAMP).replace(tzinfo=UTC)
    except (IndexError, ValueError):
        return None


def drill_tables_of(client: Any, source: str) -> list[str]:
    prefix = f"{source}{DRILL_MARKER}"
    names: list[str] = []
    for page in client.get_paginator("list_tables").paginate():
        names.extend(name for name in page["TableNames"] if name.startswith(prefix))
    return sorted(names)


def _restorable(summary: dict[str, Any]) -> bool:
    # With AWS Backup's advanced DynamoDB features, recovery points are arn:aws:backup:... and
    # restore through AWS Backup only; DynamoDB restores its own backup ARNs.
    return summary.get("BackupStatus") == "AVAILABLE" and ":dynamodb:" in summary["BackupArn"]


def latest_backup_arn(client: Any, source: str) -> str | None:
    """The newest backup of ``source`` that DynamoDB can restore (AWS Backup's daily ones included)."""
    summaries: list[dict[str, Any]] = []
    for page in client.get_paginator("list_backups").paginate(TableName=source, BackupType="ALL"):
        summaries.extend(summary for summary in page["BackupSummaries"] if _restorable(summary))
    if not summaries:
        return None
    newest: str = max(summaries, key=lambda s: s["BackupCreationDateTime"])["BackupArn"]
    return newest


def _pitr_enabled(client: Any, source: str) -> bool:
    description = client.describe_continuous_backups(TableName=source)["ContinuousBackupsDescription"]
    status = description.get("PointInTimeRecoveryDescription", {}).get("PointInTimeRecoveryStatus")
    return bool(status == "ENABLED")


def start_restore(client: Any, source: str, now: datetime, kind: Source = "auto") -> str:
    """Start restoring ``source`` into a new drill table; returns the drill table's name."""
    target = drill_table_name(source, now)
    backup_arn = latest_backup_arn(client, source) if kind in ("auto", "backup") else None
    if backup_arn:
        client.restore_table_from_backup(TargetTableName=target, BackupArn=backup_arn)
    elif kind in ("auto", "pitr") and _pitr_enabled(client, source):
        client.restore_table_to_point_in_time(
            SourceTableName=source, TargetTableName=target, UseLatestRestorableTime=True
        )
    else:
        raise LookupError(f"{source} has no recovery point ({kind}) to restore")
    return target


def _scan(client: Any, table: str) -> Iterator[RawItem]:
    for page in client.get_paginator("scan").paginate(TableName=table):
        yield from page["Items"]


def count_and_sample(client: Any, table: str, size: int, rng: random.Random) -> tuple[int, list[RawItem]]:
    """Item count and a uniform random sample of ``size`` items, in one pass (reservoir sampling)."""
    sample: list[RawItem] = []
    count = 0
    for count, item in enumerate(_scan(client, table), start=1):
        if len(sample) < size:
            sample.append(item)
        else:
            slot = rng.randrange(count)
            if slot < size:
                sample[slot] = item
    return count, sample


def get_items(client: Any, table: str, key_names: list[str], keys: list[RawItem]) -> dict[str, RawItem]:
    """Items by key (as ``_key_id``), strongly consistent, retrying unprocessed keys."""
    found: dict[str, RawItem] = {}
    for start in range(0, len(keys), 100):
        pending = keys[start : start + 100]
        for attempt in range(6):
            response = client.batch_get_item(RequestItems={table: {"Keys": pending, "ConsistentRead": True}})
            for item in response["Responses"].get(table, []):
                found[_key_id(item, key_names)] = item
            pending = response.get("UnprocessedKeys", {}).get(table, {}).get("Keys", [])
            if not pending:
                break
            time.sleep(0.05 * 2**attempt)
        else:
            raise RuntimeError(f"DynamoDB left keys of {table} unprocessed")
    return found


def _key(item: RawItem, key_names: list[str]) -> RawItem:
    return {name: item[name] for name in key_names}


def _key_id(item: RawItem, key_names: list[str]) -> str:
    return "|".join(f"{name}={next(iter(item[name].values()))}" for name in sorted(key_names))


def _moment(item: RawItem, attribute: str) -> datetime | None:
    value = item.get(attribute, {}).get("S")
    if value is None:
        return None
    try:
        return datetime.strptime(value, DATETIME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def _schema(description: dict[str, Any]) -> tuple[list[Any], dict[str, list[Any]]]:
    def keys(schema: list[dict[str, str]]) -> list[tuple[str, str]]:
        return sorted((entry["AttributeName"], entry["KeyType"]) for entry in schema)

    indexes = description.get("GlobalSecondaryIndexes", [])
    return keys(description["KeySchema"]), {index["IndexName"]: keys(index["KeySchema"]) for index in indexes}


def _check_schema(check: TableCheck, source: dict[str, Any], restored: dict[str, Any]) -> None:
    source_keys, source_indexes = _schema(source)
    restored_keys, restored_indexes = _schema(restored)
    if restored_keys != source_keys:
        check.problems.append(f"key schema {restored_keys} differs from the source's {source_keys}")
    for name, schema in source_indexes.items():
        if restored_indexes.get(name) != schema:
            check.problems.append(f"index {name} is missing or has another key schema")


def _check_counts(check: TableCheck, limits: Limits) -> None:
    allowed = max(limits.count_tolerance_items, int(check.source_items * limits.count_tolerance_ratio))
    if abs(check.source_items - check.restored_items) > allowed:
        check.problems.append(
            f"restored {check.restored_items} items, source has {check.source_items} (tolerance {allowed})"
        )


def _compare_restored_sample(
    client: Any, check: TableCheck, sample: list[RawItem], key_names: list[str], recovery_point: datetime
) -> None:
    """Restored items equal their source, unless the source changed or vanished after the recovery point."""
    current = get_items(client, check.source, key_names, [_key(item, key_names) for item in sample])
    for item in sample:
        now = current.get(_key_id(item, key_names))
        if now == item:
            check.matched += 1
        elif now is None:
            check.changed_since += 1  # deleted or expired after the recovery point
        elif (updated := _moment(now, "updatedAt")) is not None:
            if updated > recovery_point - CLOCK_MARGIN:
                check.changed_since += 1
            else:
                check.problems.append(f"item {_key_id(item, key_names)} differs from the source")
        elif "recordedAt" in item:
            check.problems.append(f"audit record {_key_id(item, key_names)} differs from the source")
        else:
            check.unverifiable += 1  # a counter without timestamps (rate limits): no way to tell


def _compare_source_sample(
    client: Any, check: TableCheck, sample: list[RawItem], key_names: list[str], recovery_point: datetime
) -> None:
    """Source items that existed at the recovery point are all in the restored table."""
    older = [
        item
        for item in sample
        if (created := _moment(item, "createdAt") or _moment(item, "recordedAt")) is not None
        and created < recovery_point - CLOCK_MARGIN
    ]
    restored = get_items(client, check.restored, key_names, [_key(item, key_names) for item in older])
    missing = [item for item in older if _key_id(item, key_names) not in restored]
    for item in missing[:10]:
        check.problems.append(f"item {_key_id(item, key_names)} is missing from the restored table")
    if len(missing) > 10:
        check.problems.append(f"... and {len(missing) - 10} more missing items")


def _recovery_point(client: Any, restored_description: dict[str, Any]) -> datetime:
    """The moment the restored data is from: the backup's creation, or the restored point in time."""
    summary = restored_description.get("RestoreSummary", {})
    if summary.get("SourceBackupArn"):
        backup = client.describe_backup(BackupArn=summary["SourceBackupArn"])["BackupDescription"]
        created: datetime = backup["BackupDetails"]["BackupCreationDateTime"]
        return created
    moment: datetime = summary.get("RestoreDateTime") or restored_description["CreationDateTime"]
    return moment


def verify(
    client: Any, source: str, restored: str, limits: Limits, rng: random.Random | None = None
) -> TableCheck:
    """Compare an ACTIVE restored table with its source (both must exist)."""
    rng = rng or random.Random()  # noqa: S311 - sampling, not cryptography
    check = TableCheck(source=source, restored=restored)
    source_description = client.describe_table(TableName=source)["Table"]
    restored_description = client.describe_table(TableName=restored)["Table"]
    _check_schema(check, source_description, restored_description)
    recovery_point = _recovery_point(client, restored_description)
    check.recovery_point = recovery_point
    key_names = [entry["AttributeName"] for entry in source_description["KeySchema"]]
    check.restored_items, restored_sample = count_and_sample(client, restored, limits.sample_size, rng)
    check.source_items, source_sample = count_and_sample(client, source, limits.sample_size, rng)
    check.sampled = len(restored_sample)
    _check_counts(check, limits)
    _compare_restored_sample(client, check, restored_sample, key_names, recovery_point)
    _compare_source_sample(client, check, source_sample, key_names, recovery_point)
    return check


def delete_drill_table(client: Any, name: str) -> None:
    if DRILL_MARKER not in name:
        raise ValueError(f"refusing to delete {name}: not a drill table")
    client.delete_table(TableName=name)


def _status(client: Any, name: str) -> str:
    status: str = client.describe_table(TableName=name)["Table"]["TableStatus"]
    return status


def _verify_and_clean(client: Any, source: str, restored: str, limits: Limits) -> TableCheck:
    try:
        return verify(client, source, restored, limits)
    except Exception as error:  # any failure of the drill is a failed drill
        check = TableCheck(source=source, restored=restored)
        check.problems.append(f"verification failed: {error}")
        return check
    finally:
        delete_drill_table(client, restored)


def advance(client: Any, now: datetime | None = None, limits: Limits | None = None) -> DrillReport:
    """One step of the scheduled drill per table: verify a finished restore, or start a new one."""
    now, limits = now or utcnow(), limits or Limits()
    report = DrillReport()
    for source in data_tables():
        drills = drill_tables_of(client, source)
        if not drills:
            try:
                report.started.append(start_restore(client, source, now))
            except Exception as error:  # a failed drill for this table; the others go on
                failed = TableCheck(source=source, restored="")
                failed.problems.append(f"restore could not start: {error}")
                report.checks.append(failed)
            continue
        for name in drills:
            status = _status(client, name)
            started_at = _drill_started_at(name) or now
            if status == "ACTIVE":
                report.checks.append(_verify_and_clean(client, source, name, limits))
            elif now - started_at > MAX_RESTORE_TIME:
                late = TableCheck(source=source, restored=name)
                late.problems.append(f"restore still {status} after {now - started_at}")
                report.checks.append(late)
            else:
                report.in_progress.append(name)
    return report


def run(
    client: Any,
    kind: Source = "auto",
    limits: Limits | None = None,
    *,
    timeout: timedelta = MAX_RESTORE_TIME,
    poll_seconds: float = 20,
    sleep: Callable[[float], None] = time.sleep,
) -> DrillReport:
    """The whole drill in one go (operator command): restore every table, wait, verify, clean up."""
    limits = limits or Limits()
    now = utcnow()
    report = DrillReport()
    pending: dict[str, str] = {}
    for source in data_tables():
        try:
            pending[source] = start_restore(client, source, now, kind)
        except Exception as error:  # a failed drill for this table; the others go on
            failed = TableCheck(source=source, restored="")
            failed.problems.append(f"restore could not start: {error}")
            report.checks.append(failed)
    report.started = list(pending.values())
    deadline = time.monotonic() + timeout.total_seconds()
    while pending:
        for source, name in list(pending.items()):
            if _status(client, name) == "ACTIVE":
                report.checks.append(_verify_and_clean(client, source, name, limits))
                del pending[source]
        if pending and time.monotonic() > deadline:
            for source, name in pending.items():
                late = TableCheck(source=source, restored=name)
                late.problems.append(f"restore did not finish within {timeout}; delete {name} when it does")
                report.checks.append(late)
            break
        if pending:
            sleep(poll_seconds)
    return report


def publish(report: DrillReport) -> None:
    """BackupDrillSucceeded 1/0 once a drill was verified (the alarm also fires when it is missing)."""
    if report.started:
        metrics.add_metric(
            name="BackupDrillRestoresStarted", unit=MetricUnit.Count, value=len(report.started)
        )
    if not report.verified:
        return
    metrics.add_metric(name="BackupDrillSucceeded", unit=MetricUnit.Count, value=1 if report.passed else 0)
    metrics.add_metric(name="BackupDrillTablesVerified", unit=MetricUnit.Count, value=len(report.checks))
