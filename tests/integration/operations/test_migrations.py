"""Data migrations on DynamoDB Local: once per environment, resumable, dry-runnable, one runner at a time."""

from __future__ import annotations

import importlib
import json
from typing import Any

import pytest

from devtools import migrate, migrations
from devtools.migrations import LedgerModel, MigrationFile, MigrationLocked, Runner
from spooky.ids import new_id
from spooky.models.app import UserModel
from spooky.repositories import posts
from spooky.schemas.posts import NewPost
from spooky.schemas.users import NewUser
from tests.support import factories

POST_COUNTS = [0, 1, 2, 3, 0, 1, 2]


@pytest.fixture
def backfill() -> MigrationFile:
    return next(file for file in migrations.discover() if file.id == "0001_backfill_user_post_count")


@pytest.fixture
def legacy_users(fresh_tables: dict[str, str]) -> dict[str, int]:
    """Users written before postCount existed: the attribute is missing, their posts are not."""
    expected = {}
    for count in POST_COUNTS:
        user = factories.create_user(NewUser(name="Itt", email=f"itt-{new_id()}@example.com"), None)
        for index in range(count):
            posts.create_post(user.id, NewPost(name=f"Hair care {index}"))
        UserModel(*UserModel.key(user.id)).update([UserModel.post_count.remove()])
        expected[user.id] = count
    return expected


def stored_counts(user_ids: Any) -> dict[str, int | None]:
    counts: dict[str, int | None] = {}
    for user_id in user_ids:
        raw = UserModel._get_connection().get_item(*UserModel.key(user_id), consistent_read=True)["Item"]
        counts[user_id] = int(raw["postCount"]["N"]) if "postCount" in raw else None
    return counts


class Spy:
    """Counts the users a migration changes, and can crash after some of them."""

    def __init__(
        self, monkeypatch: pytest.MonkeyPatch, file: MigrationFile, crash_after: int | None = None
    ) -> None:
        self.changed: list[str] = []
        module = migrations.load(file)
        original = type(module).apply

        def apply(migration: Any, item: dict[str, Any]) -> bool:
            if crash_after is not None and len(self.changed) == crash_after:
                raise RuntimeError("the laptop ran out of battery")
            changed: bool = original(migration, item)
            self.changed.append(item["pk"]["S"].removeprefix("USER#"))
            return changed

        monkeypatch.setattr(type(module), "apply", apply)


def test_a_migration_runs_once_per_environment(
    legacy_users: dict[str, int], backfill: MigrationFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = Spy(monkeypatch, backfill)

    first = Runner(segments=3, page_size=2).run(backfill)
    second = Runner(segments=3, page_size=2).run(backfill)

    assert (first.outcome, first.changed, first.resumed) == ("applied", len(POST_COUNTS), False)
    assert second.outcome == "already applied"
    assert sorted(spy.changed) == sorted(legacy_users)
    assert stored_counts(legacy_users) == legacy_users


def test_a_crashed_run_resumes_from_its_checkpoint(
    legacy_users: dict[str, int], backfill: MigrationFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    pages: list[Any] = []
    real_page = Runner._page

    def recording_page(runner: Runner, migration: Any, segment: int, total: int, start: Any) -> Any:
        pages.append(start)
        return real_page(runner, migration, segment, total, start)

    monkeypatch.setattr(Runner, "_page", recording_page)
    with monkeypatch.context() as patch:
        crashing = Spy(patch, backfill, crash_after=3)
        with pytest.raises(RuntimeError, match="battery"):
            Runner(segments=1, page_size=2).run(backfill)
    ledger = migrations.ledger(backfill.id)
    assert ledger is not None
    checkpoint = ledger.positions()["0"]
    assert ledger.status == "running"
    assert ledger.owner is None  # released: the rerun need not wait for the lease
    assert "interrupted" in migrations.describe(backfill, ledger)

    pages.clear()
    resuming = Spy(monkeypatch, backfill)
    result = Runner(segments=4, page_size=2).run(backfill)

    assert (result.outcome, result.resumed) == ("applied", True)
    assert pages[0] == json.loads(checkpoint)  # no page before the checkpoint is read again
    assert not set(crashing.changed) & set(resuming.changed)  # and no user is changed twice
    assert sorted(crashing.changed + resuming.changed) == sorted(legacy_users)
    assert stored_counts(legacy_users) == legacy_users


def test_a_dry_run_counts_and_changes_nothing(legacy_users: dict[str, int], backfill: MigrationFile) -> None:
    result = Runner(segments=2).run(backfill, dry_run=True)

    assert (result.outcome, result.changed) == ("dry run", len(POST_COUNTS))
    assert set(stored_counts(legacy_users).values()) == {None}
    assert migrations.ledger(backfill.id) is None


def test_one_runner_at_a_time(legacy_users: dict[str, int], backfill: MigrationFile) -> None:
    Runner(owner="first")._acquire(backfill.id)

    with pytest.raises(MigrationLocked):
        Runner(owner="second").run(backfill)


def test_a_post_written_during_the_backfill_is_counted(
    legacy_users: dict[str, int], backfill: MigrationFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = importlib.import_module(type(migrations.load(backfill)).__module__)
    real_count = module.live_post_count
    racing = next(user_id for user_id, count in legacy_users.items() if count == 2)

    def count_then_race(user_id: str) -> int:
        counted: int = real_count(user_id)
        if user_id == racing and legacy_users[racing] == 2:
            posts.create_post(user_id, NewPost(name="Written mid-migration"))  # ADDs to postCount
            legacy_users[racing] = 3
        return counted

    monkeypatch.setattr(module, "live_post_count", count_then_race)
    Runner(segments=1).run(backfill)

    assert stored_counts([racing]) == {racing: 3}


def test_the_command_line_workflow(
    legacy_users: dict[str, int], capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    assert migrate.main(["status"]) == 0
    assert "0001_backfill_user_post_count  pending" in capsys.readouterr().out
    assert migrate.main(["up", "--dry-run"]) == 0
    assert "dry run  scanned=" in capsys.readouterr().out
    assert migrate.main(["up", "--segments", "2"]) == 0
    assert "applied  scanned=" in capsys.readouterr().out
    assert migrate.main(["status"]) == 0
    assert f"changed={len(POST_COUNTS)}" in capsys.readouterr().out
    assert stored_counts(legacy_users) == legacy_users


def test_new_numbers_migrations_in_sequence(tmp_path: Any) -> None:
    first = migrations.new_migration("add_user_profile", tmp_path)
    second = migrations.new_migration("backfill_display_name", tmp_path)

    assert (first.name, second.name) == ("0001_add_user_profile.py", "0002_backfill_display_name.py")
    compile(second.read_text(), str(second), "exec")
    with pytest.raises(ValueError, match="snake_case"):
        migrations.new_migration("Add Profile", tmp_path)
    assert LedgerModel.key("0001_add_user_profile") == ("MIGRATION#0001_add_user_profile", "MIGRATION")
