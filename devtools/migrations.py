"""Versioned data migrations (migrations/NNNN_name.py): discovery, ledger, and a resumable runner.

Table and index changes are template.yaml deployments; data changes are migrations. A migration
scans its table in parallel segments and changes items one at a time, idempotently (conditional
writes). After every page, each segment's position is checkpointed in the migration's ledger item
(AppTable, pk=MIGRATION#<id>), so a run that crashes resumes where it stopped; once every segment is
done the ledger marks the migration applied, so it runs once per environment (docs/operations.md).
"""

from __future__ import annotations

import importlib
import json
import re
import uuid
from abc import ABC, abstractmethod
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar, cast

from pynamodb.attributes import MapAttribute, NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.operand import Path as DocumentPath
from pynamodb.models import Model

from devtools.progress import Progress, progress
from devtools.template import ROOT
from spooky.clock import utcnow
from spooky.db.errors import is_condition_failure
from spooky.models import keys
from spooky.models.base import app_table_meta

RawItem = dict[str, Any]
MIGRATIONS_DIR = ROOT / "migrations"
FILE_PATTERN = re.compile(r"^(?P<number>\d{4})_(?P<name>[a-z][a-z0-9_]*)\.py$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
# A runner that stops renewing its lease (crashed, killed) lets another take over after this long.
LEASE = timedelta(minutes=15)
DONE = "done"
APPLIED, RUNNING = "applied", "running"


class DataMigration(ABC):
    """Base class of the ``Migration`` in each migrations/NNNN_name.py."""

    #: Any model of the table to scan; its connection and table name are used.
    model: ClassVar[type[Model]]

    def scan_filter(self) -> Condition | None:
        """Server-side filter: saves transfer and client work (read capacity is spent regardless)."""
        return None

    def needs_change(self, item: RawItem) -> bool:
        """Whether ``item`` still needs this migration (what --dry-run counts)."""
        return True

    @abstractmethod
    def apply(self, item: RawItem) -> bool:
        """Change one item, idempotently (conditional writes); True when this call changed it."""


class LedgerModel(Model):
    """pk=MIGRATION#<id>, sk=MIGRATION: one migration's progress and outcome in this environment.

    Not a KeyedModel (the application's items): a ledger item is operations data and never expires.
    """

    Meta = app_table_meta()

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    migration_id = UnicodeAttribute(attr_name="migrationId", null=True)
    status = UnicodeAttribute(null=True)
    total_segments = NumberAttribute(attr_name="totalSegments", null=True)
    # segment number -> JSON of the last evaluated key done, or "done"
    checkpoints = MapAttribute[str, str](default=dict)  # type: ignore[no-untyped-call]
    scanned = NumberAttribute(default=0)
    changed = NumberAttribute(default=0)
    owner = UnicodeAttribute(null=True)
    lease_until = UTCDateTimeAttribute(attr_name="leaseUntil", null=True)
    started_at = UTCDateTimeAttribute(attr_name="startedAt", null=True)
    updated_at = UTCDateTimeAttribute(attr_name="updatedAt", null=True)
    finished_at = UTCDateTimeAttribute(attr_name="finishedAt", null=True)

    @classmethod
    def key(cls, migration_id: str) -> tuple[str, str]:
        return keys.migration_pk(migration_id), keys.MIGRATION_SK

    def positions(self) -> dict[str, str]:
        """segment number -> checkpoint, as stored."""
        stored = self.checkpoints
        return cast("dict[str, str]", stored.as_dict()) if stored is not None else {}  # type: ignore[no-untyped-call]

    def segments_done(self) -> int:
        return sum(1 for position in self.positions().values() if position == DONE)


class MigrationLocked(RuntimeError):
    """Another runner holds the migration's lease."""


@dataclass(frozen=True)
class MigrationFile:
    id: str
    number: int
    path: Path


@dataclass(frozen=True)
class RunResult:
    migration_id: str
    outcome: str  # applied | already applied | dry run
    scanned: int = 0
    changed: int = 0
    resumed: bool = False


def discover(directory: Path = MIGRATIONS_DIR) -> list[MigrationFile]:
    found = []
    for path in directory.glob("*.py"):
        match = FILE_PATTERN.match(path.name)
        if match:
            found.append(MigrationFile(path.stem, int(match["number"]), path))
    numbers = [file.number for file in found]
    duplicates = {number for number in numbers if numbers.count(number) > 1}
    if duplicates:
        raise ValueError(f"two migrations share the numbers {sorted(duplicates)}")
    return sorted(found, key=lambda file: file.number)


def load(file: MigrationFile) -> DataMigration:
    module = importlib.import_module(f"{file.path.parent.name}.{file.id}")
    migration: DataMigration = module.Migration()
    return migration


def ledger(migration_id: str) -> LedgerModel | None:
    try:
        return LedgerModel.get(*LedgerModel.key(migration_id), consistent_read=True)
    except DoesNotExist:
        return None


def new_migration(name: str, directory: Path = MIGRATIONS_DIR) -> Path:
    """Create migrations/NNNN_<name>.py from a skeleton (the specification's `prisma migrate dev --name`)."""
    if not NAME_PATTERN.match(name):
        raise ValueError("use lower_snake_case names, e.g. add_user_profile")
    number = max((file.number for file in discover(directory)), default=0) + 1
    path = directory / f"{number:04d}_{name}.py"
    path.write_text(SKELETON.format(name=name.replace("_", " ")))
    return path


SKELETON = '''"""{name}: what changes, for which items, and why it is safe to run twice."""

from __future__ import annotations

from devtools.migrations import DataMigration, RawItem
from spooky.models.app import UserModel


class Migration(DataMigration):
    model = UserModel

    def needs_change(self, item: RawItem) -> bool:
        raise NotImplementedError

    def apply(self, item: RawItem) -> bool:
        # Make the write conditional on the state needs_change saw, so a rerun changes nothing.
        raise NotImplementedError
'''


class Runner:
    """Runs migrations in order; ``segments`` parallel scan workers, ``page_size`` items per checkpoint."""

    def __init__(self, segments: int = 4, page_size: int = 100, owner: str | None = None) -> None:
        self.segments = segments
        self.page_size = page_size
        self.owner = owner or f"runner-{uuid.uuid4()}"

    def up(self, files: list[MigrationFile] | None = None, *, dry_run: bool = False) -> list[RunResult]:
        return [self.run(file, dry_run=dry_run) for file in (discover() if files is None else files)]

    def run(self, file: MigrationFile, *, dry_run: bool = False) -> RunResult:
        existing = ledger(file.id)
        if existing is not None and existing.status == APPLIED:
            return RunResult(file.id, "already applied", int(existing.scanned), int(existing.changed))
        migration = load(file)
        if dry_run:
            return self._dry_run(file.id, migration)
        entry = self._acquire(file.id)
        positions = entry.positions()
        resumed = bool(positions)
        total = int(entry.total_segments or self.segments)
        try:
            with (
                progress(f"{file.id}: items scanned") as scanned,
                ThreadPoolExecutor(max_workers=total, thread_name_prefix="migration") as pool,
            ):
                futures = [
                    pool.submit(
                        self._run_segment, file.id, migration, seg, total, positions.get(str(seg)), scanned
                    )
                    for seg in range(total)
                ]
                for future in futures:
                    future.result()  # re-raises a segment's failure; its checkpoint stays for the rerun
        except BaseException:
            # Let the next run resume at once; a killed runner's lease simply expires (LEASE).
            self._release(file.id)
            raise
        done = self._finish(file.id)
        return RunResult(file.id, "applied", int(done.scanned), int(done.changed), resumed)

    def _dry_run(self, migration_id: str, migration: DataMigration) -> RunResult:
        scanned = would_change = 0
        for segment in range(self.segments):
            start: RawItem | None = None
            while True:
                page = self._page(migration, segment, self.segments, start)
                scanned += len(page["Items"])
                would_change += sum(1 for item in page["Items"] if migration.needs_change(item))
                start = page.get("LastEvaluatedKey")
                if start is None:
                    break
        return RunResult(migration_id, "dry run", scanned, would_change)

    def _page(self, migration: DataMigration, segment: int, total: int, start: RawItem | None) -> Any:
        return migration.model._get_connection().scan(
            filter_condition=migration.scan_filter(),
            limit=self.page_size,
            segment=segment,
            total_segments=total,
            exclusive_start_key=cast(Any, start),  # PynamoDB's annotation says str; it is the key map
            consistent_read=True,
            return_consumed_capacity="INDEXES",
        )

    def _run_segment(
        self,
        migration_id: str,
        migration: DataMigration,
        segment: int,
        total: int,
        position: str | None,
        scanned: Progress,
    ) -> None:
        if position == DONE:
            return
        start: RawItem | None = json.loads(position) if position else None
        while True:
            page = self._page(migration, segment, total, start)
            items = page["Items"]
            changed = sum(1 for item in items if migration.needs_change(item) and migration.apply(item))
            start = page.get("LastEvaluatedKey")
            self._checkpoint(migration_id, segment, json.dumps(start) if start else DONE, len(items), changed)
            scanned.advance(len(items))
            if start is None:
                return

    def _mine(self) -> Condition:
        condition: Condition = LedgerModel.owner == self.owner
        return condition

    def _acquire(self, migration_id: str) -> LedgerModel:
        """Take (or resume) the migration's lease; its first taker fixes the number of segments."""
        now = utcnow()
        entry = LedgerModel(*LedgerModel.key(migration_id))
        free = LedgerModel.lease_until.does_not_exist() | (LedgerModel.lease_until < now) | self._mine()
        try:
            entry.update(
                [
                    LedgerModel.migration_id.set(migration_id),
                    LedgerModel.status.set(RUNNING),
                    LedgerModel.owner.set(self.owner),
                    LedgerModel.lease_until.set(now + LEASE),
                    LedgerModel.updated_at.set(now),
                    LedgerModel.started_at.set(LedgerModel.started_at | now),
                    LedgerModel.total_segments.set(LedgerModel.total_segments | self.segments),
                    LedgerModel.checkpoints.set(LedgerModel.checkpoints | {}),
                    LedgerModel.scanned.set(LedgerModel.scanned | 0),
                    LedgerModel.changed.set(LedgerModel.changed | 0),
                ],
                condition=LedgerModel.pk.does_not_exist() | ((LedgerModel.status != APPLIED) & free),
            )
        except UpdateError as error:
            if is_condition_failure(error):
                raise MigrationLocked(f"{migration_id} is applied or being run by another runner") from None
            raise
        return entry

    def _checkpoint(self, migration_id: str, segment: int, position: str, scanned: int, changed: int) -> None:
        now = utcnow()
        LedgerModel(*LedgerModel.key(migration_id)).update(
            [
                DocumentPath([LedgerModel.checkpoints.attr_name, str(segment)]).set(position),
                LedgerModel.scanned.add(scanned),
                LedgerModel.changed.add(changed),
                LedgerModel.lease_until.set(now + LEASE),
                LedgerModel.updated_at.set(now),
            ],
            condition=self._mine(),
        )

    def _release(self, migration_id: str) -> None:
        LedgerModel(*LedgerModel.key(migration_id)).update(
            [
                LedgerModel.owner.remove(),
                LedgerModel.lease_until.remove(),
                LedgerModel.updated_at.set(utcnow()),
            ],
            condition=self._mine(),
        )

    def _finish(self, migration_id: str) -> LedgerModel:
        now = utcnow()
        entry = LedgerModel(*LedgerModel.key(migration_id))
        entry.update(
            [
                LedgerModel.status.set(APPLIED),
                LedgerModel.finished_at.set(now),
                LedgerModel.updated_at.set(now),
                LedgerModel.owner.remove(),
                LedgerModel.lease_until.remove(),
            ],
            condition=self._mine(),
        )
        return entry


def describe(file: MigrationFile, entry: LedgerModel | None) -> str:
    """One line of `status`."""
    if entry is None:
        return f"{file.id}  pending"
    if entry.status == APPLIED:
        finished = entry.finished_at.isoformat() if isinstance(entry.finished_at, datetime) else "?"
        return f"{file.id}  applied {finished}  scanned={int(entry.scanned)} changed={int(entry.changed)}"
    state = f"running (lease of {entry.owner})" if entry.owner else "interrupted (`up` resumes it)"
    return (
        f"{file.id}  {state}  {entry.segments_done()}/{int(entry.total_segments or 0)} segments done, "
        f"scanned={int(entry.scanned)} changed={int(entry.changed)}"
    )
