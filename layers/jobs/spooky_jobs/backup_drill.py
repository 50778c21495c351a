"""Backup verification drill: restore the latest recovery point of each data table and check it.

A drill restores into a temporary table named ``<source>-drill-<UTC timestamp>``, then compares it
with the source: key schema and indexes, and two random samples (restored items must equal their
source unless changed since the recovery point; source items older than the recovery point must be in
the restored table). The temporary table is deleted afterwards.

The cost of a check does not grow with the table (the audit log grows for 7 years): each sample reads
a few random parallel-scan segments (one page each) and looks the sampled keys up by key in the other
table, about 2 * (sample_size / 10 + sample_size / 100) requests per table. Confidence: if a fraction p
of the items that existed at the recovery point is missing from the restore (or differs), a sample of
n = 100 misses every one of them with probability (1 - p)^n: a 3 % loss is found 95 % of the time,
5 % loss 99.4 %. Item counts are reported from DescribeTable (approximate, refreshed about every six
hours), not compared: counting exactly means scanning everything.

Each run has a time budget (the Lambda's remaining time minus CLEANUP_RESERVE): a check that runs out
of time fails, and its drill table is still deleted before the deadline. A drill table that outlived
STALE_AFTER (a run died before its clean-up) is deleted at the start of the next run.

Restores of real tables take minutes to hours, longer than a Lambda invocation, so the scheduled
function advances the drill one step per run (start, then verify and clean up), and the operator
command (``python -m devtools.backup_drill``) waits in between, showing its progress on a terminal
through the ``progress`` object it hands to ``run`` (the scheduled function has none: its logs get none).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, NamedTuple, Protocol

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
# Left for the clean-up (one DeleteTable per drill table) when a run's budget comes from Lambda.
CLEANUP_RESERVE = timedelta(seconds=60)
# Restores start at 04:00 and are verified at 16:00: a drill table older than this was left behind.
STALE_AFTER = timedelta(hours=20)
# Items read per parallel-scan segment: samples come from sample_size / ITEMS_PER_SEGMENT random segments.
ITEMS_PER_SEGMENT = 10
MAX_SEGMENTS = 1_000_000  # DynamoDB's limit for TotalSegments


class Progress(Protocol):
    """Where ``run`` reports its progress (devtools.progress.Progress on the operator's terminal)."""

    def advance(self, count: int = 1) -> None:
        """``count`` more tables checked (passed, failed, or given up on)."""

    def show(self, detail: str) -> None:
        """What the drill is doing now."""


class _Unseen:
    def advance(self, count: int = 1) -> None:
        pass

    def show(self, detail: str) -> None:
        pass


class OutOfTime(Exception):
    """The run's time budget is spent: stop checking, clean up."""


class Budget(NamedTuple):
    """A deadline on a monotonic clock (None: no deadline, as for the operator command)."""

    deadline: float | None = None
    clock: Callable[[], float] = time.monotonic

    @classmethod
    def from_remaining(cls, remaining: timedelta, reserve: timedelta = CLEANUP_RESERVE) -> Budget:
        return cls(time.monotonic() + (remaining - reserve).total_seconds())

    def check(self, step: str) -> None:
        if self.deadline is not None and self.clock() >= self.deadline:
            raise OutOfTime(f"ran out of time before {step}")

    @property
    def spent(self) -> bool:
        return self.deadline is not None and self.clock() >= self.deadline


# Items per sample (two samples per table): the confidence in the module docstring is for 100.
DEFAULT_SAMPLE_SIZE = 100


class Limits(NamedTuple):
    sample_size: int = DEFAULT_SAMPLE_SIZE


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
    # Left-over drill tables deleted at the start of the run.
    cleaned: list[str] = field(default_factory=list)

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


def approximate_count(client: Any, table: str) -> int:
    count: int = client.describe_table(TableName=table)["Table"].get("ItemCount", 0)
    return count


def sample(
    client: Any, table: str, size: int, rng: random.Random, budget: Budget, count: int
) -> list[RawItem]:
    """About ``size`` random items of a table of about ``count`` items, in size / ITEMS_PER_SEGMENT requests.

    A parallel scan splits the key space into TotalSegments by partition-key hash; random segments,
    one page each, are random items whatever the table's size.
    """
    segments = max(1, min(MAX_SEGMENTS, count // ITEMS_PER_SEGMENT))
    reads = min(segments, -(-size // ITEMS_PER_SEGMENT))
    items: list[RawItem] = []
    for segment in rng.sample(range(segments), reads):
        budget.check(f"sampling {table}")
        page = client.scan(
            TableName=table, Segment=segment, TotalSegments=segments, Limit=2 * ITEMS_PER_SEGMENT
        )
        items.extend(page["Items"])
    return rng.sample(items, size) if len(items) > size else items


def get_items(
    client: Any, table: str, key_names: list[str], keys: list[RawItem], budget: Budget | None = None
) -> dict[str, RawItem]:
    """Items by key (as ``_key_id``), strongly consistent, retrying unprocessed keys."""
    found: dict[str, RawItem] = {}
    for start in range(0, len(keys), 100):
        (budget or Budget()).check(f"reading {table}")
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


def _compare_restored_sample(
    client: Any,
    check: TableCheck,
    restored: list[RawItem],
    key_names: list[str],
    recovery_point: datetime,
    budget: Budget,
) -> None:
    """Restored items equal their source, unless the source changed or vanished after the recovery point."""
    current = get_items(client, check.source, key_names, [_key(item, key_names) for item in restored], budget)
    for item in restored:
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
    client: Any,
    check: TableCheck,
    source: list[RawItem],
    key_names: list[str],
    recovery_point: datetime,
    budget: Budget,
) -> None:
    """Source items that existed at the recovery point are all in the restored table."""
    older = [
        item
        for item in source
        if (created := _moment(item, "createdAt") or _moment(item, "recordedAt")) is not None
        and created < recovery_point - CLOCK_MARGIN
    ]
    restored = get_items(client, check.restored, key_names, [_key(item, key_names) for item in older], budget)
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
    client: Any,
    source: str,
    restored: str,
    limits: Limits,
    rng: random.Random | None = None,
    budget: Budget | None = None,
) -> TableCheck:
    """Compare an ACTIVE restored table with its source (both must exist); raises OutOfTime."""
    rng = rng or random.Random()  # noqa: S311 - sampling, not cryptography
    budget = budget or Budget()
    check = TableCheck(source=source, restored=restored)
    budget.check(f"describing {restored}")
    source_description = client.describe_table(TableName=source)["Table"]
    restored_description = client.describe_table(TableName=restored)["Table"]
    _check_schema(check, source_description, restored_description)
    recovery_point = _recovery_point(client, restored_description)
    check.recovery_point = recovery_point
    key_names = [entry["AttributeName"] for entry in source_description["KeySchema"]]
    check.source_items = source_description.get("ItemCount", 0)
    check.restored_items = restored_description.get("ItemCount", 0)
    # The restored table's ItemCount may not be computed yet: both are sampled at the source's size.
    size, count = limits.sample_size, max(check.source_items, check.restored_items)
    restored_sample = sample(client, restored, size, rng, budget, count)
    check.sampled = len(restored_sample)
    _compare_restored_sample(client, check, restored_sample, key_names, recovery_point, budget)
    source_sample = sample(client, source, size, rng, budget, count)
    _compare_source_sample(client, check, source_sample, key_names, recovery_point, budget)
    return check


def delete_drill_table(client: Any, name: str) -> None:
    if DRILL_MARKER not in name:
        raise ValueError(f"refusing to delete {name}: not a drill table")
    client.delete_table(TableName=name)


def _status(client: Any, name: str) -> str:
    status: str = client.describe_table(TableName=name)["Table"]["TableStatus"]
    return status


def _verify_and_clean(
    client: Any, source: str, restored: str, limits: Limits, budget: Budget | None = None
) -> TableCheck:
    try:
        return verify(client, source, restored, limits, budget=budget)
    except Exception as error:  # any failure of the drill is a failed drill
        check = TableCheck(source=source, restored=restored)
        check.problems.append(f"verification failed: {error}")
        return check
    finally:
        delete_drill_table(client, restored)


def clean_stale(client: Any, source: str, now: datetime, report: DrillReport) -> list[str]:
    """Delete this source's drill tables a dead run left behind; returns the drill tables still live."""
    live = []
    for name in drill_tables_of(client, source):
        started_at = _drill_started_at(name) or now
        if now - started_at > STALE_AFTER and _status(client, name) == "ACTIVE":
            delete_drill_table(client, name)
            report.cleaned.append(name)
        else:
            live.append(name)
    return live


def _late(source: str, name: str, status: str, age: timedelta) -> TableCheck:
    late = TableCheck(source=source, restored=name)
    late.problems.append(f"restore still {status} after {age}")
    return late


def advance(
    client: Any, now: datetime | None = None, limits: Limits | None = None, budget: Budget | None = None
) -> DrillReport:
    """One step of the scheduled drill per table: verify a finished restore, or start a new one."""
    now, limits, budget = now or utcnow(), limits or Limits(), budget or Budget()
    report = DrillReport()
    for source in data_tables():
        drills = clean_stale(client, source, now, report)
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
            if status == "ACTIVE" and budget.spent:
                report.in_progress.append(name)  # not checked yet: the next run does
            elif status == "ACTIVE":
                report.checks.append(_verify_and_clean(client, source, name, limits, budget))
            elif now - started_at > MAX_RESTORE_TIME:
                report.checks.append(_late(source, name, status, now - started_at))
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
    progress: Progress | None = None,
) -> DrillReport:
    """The whole drill in one go (operator command): restore every table, wait, verify, clean up.

    ``progress`` is told each table checked and each step (restoring, waiting, verifying).
    """
    limits, progress = limits or Limits(), progress or _Unseen()
    now = utcnow()
    report = DrillReport()
    pending: dict[str, str] = {}
    for source in data_tables():
        clean_stale(client, source, now, report)
        progress.show(f"starting the restore of {source}")
        try:
            pending[source] = start_restore(client, source, now, kind)
        except Exception as error:  # a failed drill for this table; the others go on
            failed = TableCheck(source=source, restored="")
            failed.problems.append(f"restore could not start: {error}")
            report.checks.append(failed)
            progress.advance()
    report.started = list(pending.values())
    started = time.monotonic()
    deadline = started + timeout.total_seconds()
    while pending:
        for source, name in list(pending.items()):
            if _status(client, name) == "ACTIVE":
                progress.show(f"verifying {name}")
                report.checks.append(_verify_and_clean(client, source, name, limits))
                del pending[source]
                progress.advance()
        if pending and time.monotonic() > deadline:
            for source, name in pending.items():
                late = TableCheck(source=source, restored=name)
                late.problems.append(f"restore did not finish within {timeout}; delete {name} when it does")
                report.checks.append(late)
            progress.advance(len(pending))
            break
        if pending:
            waited = timedelta(seconds=round(time.monotonic() - started))
            progress.show(f"waiting for the restore of {', '.join(pending)} ({waited} so far)")
            sleep(poll_seconds)
    progress.show("done")
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
