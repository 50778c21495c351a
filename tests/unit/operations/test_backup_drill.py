"""The backup restore drill on moto (DynamoDB Local has no backup API): passing, failing, cleaning up."""

from __future__ import annotations

import io
import itertools
import json
import sys
from collections import Counter
from datetime import timedelta
from typing import Any

import boto3
import pytest

from devtools import backup_drill as drill_command
from devtools.functions import load_handler
from devtools.lambda_context import LocalLambdaContext
from devtools.template import ROOT, load_template
from spooky.clock import utcnow
from spooky.db.observe import instrument, recording
from spooky.ids import new_id
from spooky.repositories import posts
from spooky.schemas.posts import NewPost
from spooky.schemas.users import NewUser
from spooky_jobs import backup_drill
from tests.support import factories
from tests.support.emf import emitted

LONG_AGO = timedelta(days=3)


def drill_context() -> LocalLambdaContext:
    # The function's Timeout in template.yaml: the run's time budget comes from the remaining time.
    seconds = load_template()["Resources"]["BackupDrillFunction"]["Properties"]["Timeout"]
    return LocalLambdaContext("BackupDrillFunction", timeout_seconds=int(seconds))


@pytest.fixture
def client(moto_tables: dict[str, str]) -> Any:
    return boto3.client("dynamodb", region_name="us-east-1")


def seed(monkeypatch: pytest.MonkeyPatch, count: int, age: timedelta = LONG_AGO) -> list[str]:
    """Users with a post each, written ``age`` ago (as far as their timestamps tell)."""
    then = utcnow() - age
    with monkeypatch.context() as patch:
        patch.setattr("spooky.repositories.users.utcnow", lambda: then)
        patch.setattr("spooky.repositories.posts.utcnow", lambda: then)
        ids = []
        for index in range(count):
            user = factories.create_user(
                NewUser(name=f"Ghost {index}", email=f"ghost-{new_id()}@example.com"), None
            )
            posts.create_post(user.id, NewPost(name=f"Boo {index}"))
            ids.append(user.id)
    return ids


def back_up_everything(client: Any) -> None:
    for table in backup_drill.data_tables():
        client.create_backup(TableName=table, BackupName=f"{table}-daily")


def drill_tables(client: Any) -> list[str]:
    return [name for name in client.list_tables()["TableNames"] if backup_drill.DRILL_MARKER in name]


def run(client: Any, kind: backup_drill.Source = "auto") -> backup_drill.DrillReport:
    return backup_drill.run(client, kind, sleep=lambda _: None)


def test_a_faithful_backup_passes_and_leaves_no_table_behind(
    client: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(monkeypatch, 5)
    back_up_everything(client)

    report = run(client)
    backup_drill.publish(report)
    backup_drill.metrics.flush_metrics()

    assert report.passed, [check.problems for check in report.checks]
    app = next(check for check in report.checks if check.source == "AppTable")
    # 5 users with their email claims, credential accounts and posts
    assert app.restored_items == app.source_items == 20
    assert app.matched == app.sampled > 0
    assert drill_tables(client) == []
    assert emitted(capsys.readouterr().out)["BackupDrillSucceeded"] == [1.0]


def test_changes_made_after_the_backup_are_not_failures(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    user_ids = seed(monkeypatch, 3)
    back_up_everything(client)
    factories.soft_delete_user(user_ids[0])
    seed(monkeypatch, 2, age=timedelta(0))

    report = run(client)

    assert report.passed, [check.problems for check in report.checks]
    app = next(check for check in report.checks if check.source == "AppTable")
    assert app.changed_since >= 1


def test_a_backup_missing_items_fails(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    back_up_everything(client)
    # Items that existed before the recovery point by their timestamps, yet are not in the backup.
    seed(monkeypatch, 3)

    report = run(client)

    assert not report.passed
    app = next(check for check in report.checks if check.source == "AppTable")
    assert any("missing from the restored table" in problem for problem in app.problems)
    assert drill_tables(client) == []


def test_restored_data_that_differs_from_an_unchanged_source_fails(
    client: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    user_id = seed(monkeypatch, 1)[0]
    back_up_everything(client)
    # The source changed without a new updatedAt: the backup and the table disagree about the past.
    client.update_item(
        TableName="AppTable",
        Key={"pk": {"S": f"USER#{user_id}"}, "sk": {"S": "PROFILE"}},
        UpdateExpression="SET #name = :name",
        ExpressionAttributeNames={"#name": "name"},
        ExpressionAttributeValues={":name": {"S": "Not a ghost"}},
    )

    report = run(client)
    backup_drill.publish(report)
    backup_drill.metrics.flush_metrics()

    assert not report.passed
    app = next(check for check in report.checks if check.source == "AppTable")
    assert app.problems == [f"item pk=USER#{user_id}|sk=PROFILE differs from the source"]
    assert emitted(capsys.readouterr().out)["BackupDrillSucceeded"] == [0.0]


def test_no_recovery_point_fails(client: Any) -> None:
    for table in backup_drill.data_tables():
        client.update_continuous_backups(
            TableName=table, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": False}
        )

    report = run(client)

    assert not report.passed
    assert all("has no recovery point" in check.problems[0] for check in report.checks)


def test_point_in_time_recovery_is_a_recovery_point_too(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    seed(monkeypatch, 2)

    report = run(client, "pitr")

    assert report.passed, [check.problems for check in report.checks]
    assert len(report.checks) == len(backup_drill.data_tables())


def test_a_restore_without_the_indexes_fails(client: Any) -> None:
    source = client.describe_table(TableName="AppTable")["Table"]
    restored = backup_drill.drill_table_name("AppTable", utcnow())
    client.create_table(
        TableName=restored,
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        KeySchema=source["KeySchema"],
        BillingMode="PAY_PER_REQUEST",
    )

    check = backup_drill.verify(client, "AppTable", restored, backup_drill.Limits())

    assert sorted(check.problems) == [
        "index Timeline is missing or has another key schema",
        "index UserPosts is missing or has another key schema",
    ]


def test_the_scheduled_drill_starts_restores_then_verifies_them(
    client: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(monkeypatch, 2)
    back_up_everything(client)
    handler = load_handler("BackupDrillFunction")
    event = json.loads((ROOT / "events" / "backup_drill.json").read_text())

    started = handler(event, drill_context())
    assert started["passed"] is None
    assert len(started["started"]) == len(backup_drill.data_tables())
    assert "BackupDrillSucceeded" not in emitted(capsys.readouterr().out)

    verified = handler(event, drill_context())
    assert verified["passed"] is True
    assert emitted(capsys.readouterr().out)["BackupDrillSucceeded"] == [1.0]
    assert drill_tables(client) == []


def test_the_operator_command_reports_and_exits_non_zero_on_failure(
    client: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(monkeypatch, 1)
    back_up_everything(client)
    assert drill_command.main([]) == 0
    assert "drill passed" in capsys.readouterr().out

    back_up_everything(client)  # the newest backup now misses what comes next
    seed(monkeypatch, 1)
    assert drill_command.main([]) == 1
    assert "FAIL AppTable" in capsys.readouterr().out


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class Recorder:
    """What ``run`` tells the operator command's progress."""

    def __init__(self) -> None:
        self.checked = 0
        self.steps: list[str] = []

    def advance(self, count: int = 1) -> None:
        self.checked += count

    def show(self, detail: str) -> None:
        self.steps.append(detail)


def test_the_drill_reports_each_table_checked_and_the_restores_it_waits_for(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(monkeypatch, 1)
    back_up_everything(client)
    polls: Counter[str] = Counter()
    status = backup_drill._status

    def restoring_at_first(client: Any, name: str) -> str:
        polls[name] += 1
        return "CREATING" if polls[name] == 1 else status(client, name)

    monkeypatch.setattr(backup_drill, "_status", restoring_at_first)
    shown = Recorder()

    report = backup_drill.run(client, sleep=lambda _: None, progress=shown)

    assert report.passed, [check.problems for check in report.checks]
    assert shown.checked == len(backup_drill.data_tables())
    waiting = [step for step in shown.steps if step.startswith("waiting for the restore of ")]
    assert len(waiting) == 1
    assert all(source in waiting[0] for source in backup_drill.data_tables())
    assert [step for step in shown.steps if step.startswith("verifying")] == [
        f"verifying {name}" for name in report.started
    ]
    assert shown.steps[-1] == "done"


def test_a_table_that_cannot_be_restored_counts_as_checked(client: Any) -> None:
    shown = Recorder()  # no backups: no table has a recovery point

    report = backup_drill.run(client, "backup", sleep=lambda _: None, progress=shown)

    assert not report.passed
    assert shown.checked == len(report.checks) == len(backup_drill.data_tables())


def test_the_operator_command_shows_progress_on_a_terminal_only(
    client: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seed(monkeypatch, 1)
    back_up_everything(client)
    terminal = Terminal()
    with monkeypatch.context() as patch:
        patch.setattr(sys, "stderr", terminal)
        assert drill_command.main([]) == 0
    drawn = terminal.getvalue().split("\r")
    assert "Backup drill: tables checked: 0 / 3 (0%), verifying AppTable-drill-" in terminal.getvalue()
    assert drawn[-1].rstrip() == "Backup drill: tables checked: 3 / 3 (100%), done"
    assert "drill passed" in capsys.readouterr().out

    back_up_everything(client)
    assert drill_command.main([]) == 0  # stderr is not a terminal: results only
    captured = capsys.readouterr()
    assert "drill passed" in captured.out
    assert "tables checked" not in captured.err


def test_the_scheduled_function_draws_no_progress(client: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    seed(monkeypatch, 1)
    back_up_everything(client)
    handler = load_handler("BackupDrillFunction")
    event = json.loads((ROOT / "events" / "backup_drill.json").read_text())
    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)

    handler(event, drill_context())
    assert handler(event, drill_context())["passed"] is True

    assert "tables checked" not in terminal.getvalue()


def test_a_check_that_runs_out_of_time_fails_and_still_deletes_its_drill_table(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(monkeypatch, 3)
    back_up_everything(client)
    started = backup_drill.advance(client)
    ticks = itertools.count()
    # The deadline falls inside the first table's check (after its describe and first sample read).
    budget = backup_drill.Budget(deadline=2, clock=lambda: next(ticks))

    report = backup_drill.advance(client, budget=budget)

    (late,) = report.checks
    assert not report.passed
    assert late.problems[0].startswith("verification failed: ran out of time before")
    assert late.restored not in drill_tables(client)  # deleted before the deadline, in the reserve
    assert sorted(report.in_progress) == sorted(set(started.started) - {late.restored})
    assert sorted(drill_tables(client)) == sorted(report.in_progress)  # the next run checks them


def test_the_handler_stops_checking_before_the_lambda_timeout(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(monkeypatch, 1)
    back_up_everything(client)
    backup_drill.advance(client)
    handler = load_handler("BackupDrillFunction")
    event = json.loads((ROOT / "events" / "backup_drill.json").read_text())

    # Less time left than the clean-up reserve: nothing is started that could not be cleaned up.
    result = handler(event, LocalLambdaContext("BackupDrillFunction", timeout_seconds=30))

    assert result["checks"] == []
    assert len(result["inProgress"]) == len(backup_drill.data_tables())


def test_a_drill_table_left_by_a_dead_run_is_deleted_at_the_next_start(client: Any) -> None:
    back_up_everything(client)
    dead_run = utcnow() - backup_drill.STALE_AFTER - timedelta(hours=1)
    leftover = backup_drill.start_restore(client, "AuditTable", dead_run)

    report = backup_drill.advance(client)

    assert report.cleaned == [leftover]
    assert leftover not in drill_tables(client)
    assert len(report.started) == len(backup_drill.data_tables())


@pytest.mark.slow  # a large table on moto: ~9 s, in `make test-long` (CI runs it)
def test_a_check_reads_a_bounded_sample_whatever_the_table_size(
    client: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(monkeypatch, 40)  # 160 AppTable items
    back_up_everything(client)
    (restored,) = [name for name in backup_drill.advance(client).started if name.startswith("AppTable")]
    instrument(client)
    limits = backup_drill.Limits(sample_size=20)

    with recording() as requests:
        check = backup_drill.verify(client, "AppTable", restored, limits)

    assert check.passed, check.problems
    scans = [request for request in requests if request.operation == "Scan"]
    assert len(scans) == 2 * 2  # 20 items = 2 segments of 10, on each table
    assert 0 < check.sampled <= 20
    assert check.source_items == check.restored_items == 160
