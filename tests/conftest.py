"""Fixtures shared by unit tests (moto) and integration tests (DynamoDB Local).

Both backends get their tables from template.yaml through devtools.tables; models find them
through Settings, so pointing the code at a backend is only a matter of environment variables.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
from moto import mock_aws

from devtools import dynamodb_local
from devtools.tables import create_tables
from spooky.db.connection import reset_connections
from spooky.settings import get_settings

pytest_plugins = ["tests.support.least_privilege"]

TEST_SECRET = "test-signing-secret-with-enough-entropy-0123456789"
_SHARED_DYNAMODB = pytest.StashKey[subprocess.Popen[bytes]]()
# Powertools' Metrics reads its namespace when spooky.observability is first imported, which
# may happen while tests are collected, before any fixture runs.
os.environ.setdefault("POWERTOOLS_METRICS_NAMESPACE", "SpookyTest")
os.environ.setdefault("POWERTOOLS_SERVICE_NAME", "spooky-test")


def _is_xdist_controller(config: pytest.Config) -> bool:
    return (
        config.getoption("dist", default="no") != "no"
        and not hasattr(config, "workerinput")
        and not config.getoption("collectonly")
    )


def pytest_configure(config: pytest.Config) -> None:
    """With xdist, one DynamoDB Local for every worker (a JVM each would crowd two cores).

    The controller starts it before the workers exist; they inherit DYNAMODB_LOCAL_ENDPOINT, which
    tests/integration/conftest.py uses instead of starting its own. Without Java the variable stays
    unset and each worker's integration fixture fails with the reason.
    """
    if not _is_xdist_controller(config) or os.environ.get("DYNAMODB_LOCAL_ENDPOINT"):
        return
    port = dynamodb_local.free_port()
    try:
        config.stash[_SHARED_DYNAMODB] = dynamodb_local.start(port, data_dir=None)
    except dynamodb_local.DynamoDBLocalUnavailable:
        return
    os.environ["DYNAMODB_LOCAL_ENDPOINT"] = f"http://127.0.0.1:{port}"


def pytest_unconfigure(config: pytest.Config) -> None:
    process = config.stash.get(_SHARED_DYNAMODB, None)
    if process is not None:
        os.environ.pop("DYNAMODB_LOCAL_ENDPOINT", None)
        process.terminate()
        process.wait(timeout=10)


def use_tables(monkeypatch: pytest.MonkeyPatch, names: dict[str, str], endpoint: str | None) -> None:
    """Point Settings (and so every model) at ``names`` on ``endpoint``."""
    for logical_id, name in names.items():
        env_name = {"AppTable": "APP_TABLE_NAME", "AuthTable": "AUTH_TABLE_NAME"}.get(logical_id)
        if env_name is None:
            env_name = f"{logical_id.removesuffix('Table').upper()}_TABLE_NAME"
        monkeypatch.setenv(env_name, name)
    if endpoint:
        monkeypatch.setenv("DYNAMODB_ENDPOINT_URL", endpoint)
    else:
        monkeypatch.delenv("DYNAMODB_ENDPOINT_URL", raising=False)
    get_settings.cache_clear()
    reset_connections()


@pytest.fixture(autouse=True)
def _base_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AUTH_SECRET", TEST_SECRET)
    monkeypatch.setenv("STAGE", "test")
    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "SpookyTest")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "spooky-test")
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "true")
    # Emails go to a per-test outbox file, never to SES.
    monkeypatch.setenv("EMAIL_TRANSPORT", "outbox")
    monkeypatch.setenv("LOCAL_OUTBOX_PATH", str(tmp_path / "outbox.jsonl"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
    reset_connections()


@pytest.fixture(autouse=True)
def _rate_limits_per_test(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test counts attempts afresh: all of them come from 127.0.0.1 against shared tables."""
    from spooky.ids import new_id
    from spooky.services.auth import rate_limits

    run = new_id()
    for name, limit in vars(rate_limits).copy().items():
        if isinstance(limit, rate_limits.Limit):
            monkeypatch.setattr(rate_limits, name, limit._replace(scope=f"{limit.scope}:{run}"))


@pytest.fixture
def cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2's cheapest parameters and no answer floor, for tests not about password hashing."""
    from tests.support.cheap_passwords import cheapen_password_work

    cheapen_password_work(monkeypatch)


@pytest.fixture
def moto_tables(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """Every template.yaml table, in moto's in-memory DynamoDB (single-threaded unit tests only)."""
    with mock_aws():
        names = create_tables(boto3.client("dynamodb", region_name="us-east-1"))
        use_tables(monkeypatch, names, endpoint=None)
        yield names
