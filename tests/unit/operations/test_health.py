"""GET /health: 200 when every table answers, 503 naming the one that does not."""

from __future__ import annotations

import pytest

from spooky.db.connection import reset_connections
from spooky.settings import get_settings
from tests.api_client import call


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
