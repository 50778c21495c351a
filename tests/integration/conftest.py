"""DynamoDB Local for integration tests: started once per run (or reused from DYNAMODB_LOCAL_ENDPOINT,
which the xdist controller sets for its workers: tests/conftest.py)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from devtools import dynamodb_local
from devtools.tables import create_tables
from spooky.ids import new_id
from tests.conftest import use_tables


@dataclass(frozen=True)
class LocalDynamo:
    endpoint: str

    def client(self) -> object:
        return dynamodb_local.client(self.endpoint)

    def create_tables(self) -> dict[str, str]:
        """A fresh copy of every template table under a unique prefix."""
        return create_tables(self.client(), prefix=f"t{new_id().lower()}-")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/integration" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(autouse=True)
def _cheap_passwords_unless_real(request: pytest.FixtureRequest) -> None:
    """Production argon2 costs ~0.2 s of CPU a hash and the account-blind floor 0.4 s a request: only
    the tests about them (marker ``real_passwords``) pay it; the rest are about answers and data."""
    if request.node.get_closest_marker("real_passwords") is None:
        request.getfixturevalue("cheap_passwords")


@pytest.fixture(scope="session")
def dynamodb_local_endpoint() -> Iterator[str]:
    existing = os.environ.get("DYNAMODB_LOCAL_ENDPOINT")
    if existing:
        yield existing
        return
    port = dynamodb_local.free_port()
    try:
        process: subprocess.Popen[bytes] = dynamodb_local.start(port, data_dir=None)
    except dynamodb_local.DynamoDBLocalUnavailable as error:
        # Integration tests are the point of CI: never skip them silently.
        pytest.fail(f"DynamoDB Local is required for integration tests: {error}")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="session")
def local_dynamo(dynamodb_local_endpoint: str) -> LocalDynamo:
    return LocalDynamo(dynamodb_local_endpoint)


@pytest.fixture(scope="session")
def shared_table_names(local_dynamo: LocalDynamo) -> dict[str, str]:
    return local_dynamo.create_tables()


@pytest.fixture
def local_tables(
    monkeypatch: pytest.MonkeyPatch, local_dynamo: LocalDynamo, shared_table_names: dict[str, str]
) -> dict[str, str]:
    """Tables shared by the run: tests isolate themselves with fresh ids."""
    use_tables(monkeypatch, shared_table_names, local_dynamo.endpoint)
    return shared_table_names


@pytest.fixture
def fresh_tables(monkeypatch: pytest.MonkeyPatch, local_dynamo: LocalDynamo) -> dict[str, str]:
    """Empty tables of its own, for tests that read global listings (the feed, users by date)."""
    names = local_dynamo.create_tables()
    use_tables(monkeypatch, names, local_dynamo.endpoint)
    return names


@pytest.fixture
def local_api(
    monkeypatch: pytest.MonkeyPatch, local_dynamo: LocalDynamo, local_tables: dict[str, str]
) -> Iterator[str]:
    """The real local API (every template route, the real authorizer) on a free port; yields its URL."""
    from devtools.local_api import LocalApi
    from devtools.local_env import InProcessRunner, apply_environment, local_environment

    port = dynamodb_local.free_port()
    environment = local_environment(local_dynamo.endpoint, local_tables, api_url=f"http://127.0.0.1:{port}")
    apply_environment(environment, setenv=monkeypatch.setenv)
    api = LocalApi(InProcessRunner(), port=port)
    api.start()
    yield api.url
    api.stop()
