"""GET /health: 200 when every table answers, 503 naming the one that does not, always within 3 s."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from spooky.db.connection import reset_connections
from spooky.services import health
from spooky.settings import get_settings
from tests.conftest import use_tables
from tests.support.client import Reply, call

# What GET /health promises (docs/operations.md), far below the function's 10 s timeout.
ANSWER_WITHIN_SECONDS = 3.0


def test_a_reachable_database_is_healthy(moto_tables: dict[str, str]) -> None:
    response = call("GET", "/health")

    assert response.status == 200
    assert response.body["healthy"] is True
    assert response.body["timestamp"]
    assert [(check["name"], check["healthy"]) for check in response.body["checks"]] == [
        ("appTable", True),
        ("authTable", True),
    ]


def test_an_unreachable_table_answers_503_with_the_failure(
    moto_tables: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("APP_TABLE_NAME", "deleted-by-mistake")
    get_settings.cache_clear()
    reset_connections()

    response = call("GET", "/health")

    assert response.status == 503
    assert response.body["healthy"] is False
    failed = next(check for check in response.body["checks"] if check["name"] == "appTable")
    assert failed["healthy"] is False
    assert "ResourceNotFoundException" in failed["error"]


@pytest.fixture
def silent_database(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An endpoint that accepts TCP connections and never answers (a hung or black-holed database)."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        # The kernel completes handshakes into the backlog: clients connect, then wait for ever.
        endpoint = f"http://127.0.0.1:{server.getsockname()[1]}"
        use_tables(monkeypatch, {"AppTable": "AppTable", "AuthTable": "AuthTable"}, endpoint)
        yield endpoint
        # Probes past the deadline run on to their own timeout: let them end here, against this server,
        # rather than in a later test that would then see their DynamoDB observations.
        for thread in threading.enumerate():
            if thread.name.startswith(health.THREAD_PREFIX):
                thread.join()


def timed_health() -> tuple[Reply, float]:
    started = time.monotonic()
    response = call("GET", "/health")
    return response, time.monotonic() - started


def test_a_database_that_never_answers_is_reported_within_3_seconds(silent_database: str) -> None:
    response, seconds = timed_health()

    assert seconds < ANSWER_WITHIN_SECONDS
    assert response.status == 503
    assert response.body["healthy"] is False
    checks = {check["name"]: check for check in response.body["checks"]}
    assert set(checks) == {"appTable", "authTable"}
    # A read timeout, or the deadline when a loaded machine is slower still: either way, named and explained.
    assert all(not check["healthy"] and check["error"] for check in checks.values())


def test_the_deadline_bounds_the_check_even_when_a_probe_hangs_longer(
    silent_database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(health, "DEADLINE_SECONDS", 0.2)  # shorter than one probe's 1 s read timeout

    response, seconds = timed_health()

    assert seconds < ANSWER_WITHIN_SECONDS
    assert response.status == 503
    assert [(check["name"], check["error"]) for check in response.body["checks"]] == [
        ("appTable", "No answer within 0.2 s"),
        ("authTable", "No answer within 0.2 s"),
    ]
