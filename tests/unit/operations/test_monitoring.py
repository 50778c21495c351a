"""DynamoDB request metrics and the health canary's metric."""

from __future__ import annotations

import json

import pytest

from devtools.functions import load_handler
from devtools.lambda_context import LocalLambdaContext
from devtools.template import ROOT
from spooky.db.observe import Capacity, Observation
from spooky.observability import metrics, publish
from tests.support.emf import emitted


def observation(**overrides: object) -> Observation:
    fields: dict[str, object] = {
        "operation": "Query",
        "tables": ("AppTable",),
        "index_name": None,
        "latency_ms": 12.5,
        "capacity": (),
        "error_code": None,
    }
    fields.update(overrides)
    return Observation(**fields)  # type: ignore[arg-type]


def published(capsys: pytest.CaptureFixture[str], *observations: Observation) -> dict[str, list[float]]:
    capsys.readouterr()
    for seen in observations:
        publish(seen)
    metrics.flush_metrics()
    return emitted(capsys.readouterr().out)


def test_latency_and_capacity_per_table_and_index(
    moto_tables: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    query = observation(
        index_name="UserPosts",
        capacity=(Capacity(table="AppTable", units=1.5, indexes={"UserPosts": 1.0}),),
    )
    put = observation(operation="PutItem", capacity=(Capacity(table="AuthTable", units=1.0),))

    values = published(capsys, query, put)

    assert values["DynamoDBLatency"] == [12.5, 12.5]
    assert values["ConsumedCapacity.AppTable"] == [1.5]
    assert values["ConsumedCapacity.AppTable.UserPosts"] == [1.0]
    assert values["ConsumedCapacity.AuthTable"] == [1.0]


def test_tables_are_named_by_their_template_id_whatever_they_are_called(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from spooky.settings import get_settings

    monkeypatch.setenv("APP_TABLE_NAME", "spooky-prod-AppTable-1X2Y3Z")
    get_settings.cache_clear()

    values = published(
        capsys,
        observation(capacity=(Capacity(table="spooky-prod-AppTable-1X2Y3Z", units=1.0),)),
        observation(capacity=(Capacity(table="someone-elses-table", units=1.0),)),
    )

    assert set(values) == {"DynamoDBLatency", "ConsumedCapacity.AppTable", "ConsumedCapacity.Other"}


@pytest.mark.parametrize(
    ("error_code", "reasons", "metric"),
    [
        ("ProvisionedThroughputExceededException", (), "DynamoDBThrottles"),
        ("TransactionCanceledException", ("None", "ThrottlingError"), "DynamoDBThrottles"),
        ("ConditionalCheckFailedException", (), "ConditionalCheckFailures"),
        ("TransactionCanceledException", ("ConditionalCheckFailed", "None"), "ConditionalCheckFailures"),
        ("TransactionCanceledException", ("TransactionConflict", "None"), "TransactionConflicts"),
        ("TransactionConflictException", (), "TransactionConflicts"),
        ("InternalServerError", (), "DynamoDBErrors"),
        ("ReadTimeoutError", (), "DynamoDBErrors"),
    ],
)
def test_failures_are_counted_by_kind(
    error_code: str, reasons: tuple[str, ...], metric: str, capsys: pytest.CaptureFixture[str]
) -> None:
    values = published(capsys, observation(error_code=error_code, cancellation_codes=reasons))

    counted = set(values) - {"DynamoDBLatency"}
    assert counted == {metric}


def canary(capsys: pytest.CaptureFixture[str]) -> tuple[dict[str, object], dict[str, list[float]]]:
    event = json.loads((ROOT / "events" / "health_canary.json").read_text())
    capsys.readouterr()
    result = load_handler("HealthCanaryFunction")(event, LocalLambdaContext("HealthCanaryFunction"))
    return result, emitted(capsys.readouterr().out)


def test_the_canary_publishes_a_healthy_database(
    moto_tables: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    result, values = canary(capsys)

    assert result["healthy"] is True
    assert values["DatabaseHealthy"] == [1.0]
    assert len(values["HealthCheckLatency"]) == 2


def test_the_canary_publishes_an_unreachable_table_as_unhealthy(
    moto_tables: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from spooky.db.connection import reset_connections
    from spooky.settings import get_settings

    monkeypatch.setenv("AUTH_TABLE_NAME", "missing-table")
    get_settings.cache_clear()
    reset_connections()

    result, values = canary(capsys)

    assert result["healthy"] is False
    assert values["DatabaseHealthy"] == [0.0]


def test_metrics_disabled_locally_print_nothing_and_never_pile_up(
    moto_tables: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """POWERTOOLS_METRICS_DISABLED (the local API, the bench): Powertools' flush then neither prints the
    metrics nor clears them. They piled up across invocations, every add_metric formatted the whole pile,
    and the 100th value of a metric printed an EMF line after all."""
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    invocations = 101  # the canary adds one DatabaseHealthy value per invocation

    printed = [canary(capsys)[1] for _ in range(invocations)]

    assert not any(printed)
    assert len(metrics.metric_set["DatabaseHealthy"]["Value"]) == 1  # the last invocation's, unpublished
