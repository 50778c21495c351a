"""GET /health against DynamoDB Local: the parallel, deadline-bound probes still find a healthy database."""

from __future__ import annotations

from tests.support.client import call


def test_dynamodb_local_is_healthy(local_tables: dict[str, str]) -> None:
    response = call("GET", "/health")

    assert (response.status, response.body["healthy"]) == (200, True)
    assert [(check["name"], check["healthy"], check["error"]) for check in response.body["checks"]] == [
        ("appTable", True, None),
        ("authTable", True, None),
    ]
