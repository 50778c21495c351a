"""Every metric template.yaml's alarms and dashboard read is one something emits.

AWS/* namespaces are published by AWS. Our own namespace (Powertools, EMF) is checked against what the
code emits: names written literally in an ``add_metric(name=...)`` call, found by reading the source,
and the names made at run time (``ConsumedCapacity.<table>[.<index>]``), found by running every function
on its sample event (events/) on moto, plus an Idempotency-Key retry of POST /posts.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from devtools.functions import load_handler
from devtools.lambda_context import LocalLambdaContext
from devtools.template import ROOT, functions, load_template, resources
from tests.support.emf import emitted

Metric = tuple[str, str, tuple[tuple[str, str], ...]]  # namespace, name, dimensions
VARIABLES = load_template()["Globals"]["Function"]["Environment"]["Variables"]
NAMESPACE = VARIABLES["POWERTOOLS_METRICS_NAMESPACE"]
SERVICE = (("service", VARIABLES["POWERTOOLS_SERVICE_NAME"]),)
_INSIGHTS = re.compile(r'SELECT \w+\((\w+)\) FROM (?:SCHEMA\()?\\?"([\w/]+)\\?"')
_SOURCES = [
    ROOT / "layers" / "common" / "spooky",
    ROOT / "layers" / "jobs" / "spooky_jobs",
    ROOT / "functions",
]


# ---------------------------------------------------------------- what the template reads


def _insights(expression: str) -> Iterator[Metric]:
    # Metrics Insights queries name a namespace and a metric, filtered by dimensions in WHERE.
    for name, namespace in _INSIGHTS.findall(expression):
        yield namespace, name, ()


def _dimensions(listed: list[dict[str, Any]]) -> tuple[tuple[str, str], ...]:
    return tuple((entry["Name"], json.dumps(entry["Value"]).strip('"')) for entry in listed)


def alarm_metrics() -> Iterator[Metric]:
    for alarm in resources("AWS::CloudWatch::Alarm").values():
        props = alarm["Properties"]
        if "MetricName" in props:
            yield props["Namespace"], props["MetricName"], _dimensions(props.get("Dimensions", []))
        for query in props.get("Metrics", []):
            if "MetricStat" in query:
                metric = query["MetricStat"]["Metric"]
                yield metric["Namespace"], metric["MetricName"], _dimensions(metric.get("Dimensions", []))
            yield from _insights(json.dumps(query.get("Expression", "")))


def _expand(row: list[Any], previous: list[str]) -> list[str]:
    """A dashboard metrics row with CloudWatch's shorthand ("." same as above, "..." the rest) spelled out."""
    values = [value for value in row if not isinstance(value, dict)]
    if values[:1] == ["..."]:
        return previous[: len(previous) - len(values) + 1] + values[1:]
    return [previous[index] if value == "." else value for index, value in enumerate(values)]


def dashboard_metrics() -> Iterator[Metric]:
    body = resources("AWS::CloudWatch::Dashboard")["OperationsDashboard"]["Properties"]["DashboardBody"]
    text = re.sub(r"\$\{([\w:.]+)\}", r"${\1}", body["Fn::Sub"])  # ${...} stays a readable placeholder
    for widget in json.loads(text)["widgets"]:
        previous: list[str] = []
        for row in widget["properties"].get("metrics", []):
            if isinstance(row[0], dict) and "expression" in row[0]:
                yield from _insights(json.dumps(row[0]["expression"]))
                continue
            previous = _expand(row, previous)
            namespace, name, *dimensions = previous
            yield namespace, name, tuple(zip(dimensions[::2], dimensions[1::2], strict=True))


# ---------------------------------------------------------------- what the code emits


def literal_metric_names() -> set[str]:
    names = set()
    for path in (file for source in _SOURCES for file in Path(source).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "add_metric":
                name = next((kw.value for kw in node.keywords if kw.arg == "name"), None)
                if isinstance(name, ast.Constant):
                    names.add(str(name.value))
    return names


def _sample_event(function: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads(
        (ROOT / "events" / f"{functions()[function].code_uri.name}.json").read_text()
    )
    return event


def _invoke(function: str, event: dict[str, Any]) -> None:
    # A refusal of the sample data (unknown ids) still made, and measured, its requests.
    with contextlib.suppress(Exception):
        load_handler(function)(event, LocalLambdaContext(function))


def emitted_by_running_every_function(capsys: pytest.CaptureFixture[str]) -> set[str]:
    capsys.readouterr()
    for function in sorted(functions()):
        _invoke(function, _sample_event(function))
    retry = copy.deepcopy(_sample_event("CreatePostFunction"))
    retry["headers"]["Idempotency-Key"] = "metric-sources-1"
    retry["multiValueHeaders"]["Idempotency-Key"] = ["metric-sources-1"]
    _invoke("CreatePostFunction", retry)
    return set(emitted(capsys.readouterr().out))


def test_every_alarm_and_dashboard_metric_is_emitted(
    moto_tables: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    read = set(alarm_metrics()) | set(dashboard_metrics())
    ours = {metric for metric in read if not metric[0].startswith("AWS/")}
    assert ours, "the template reads none of our metrics?"
    emittable = literal_metric_names() | emitted_by_running_every_function(capsys)

    assert {metric for metric in ours if metric[0] != NAMESPACE or metric[2] != SERVICE} == set()
    assert sorted(name for _, name, _ in ours if name not in emittable) == []


def test_the_template_readers_see_every_alarm_kind() -> None:
    # The parsers above must understand every way the template names a metric, or the test proves nothing.
    read = set(alarm_metrics()) | set(dashboard_metrics())
    names = {name for _, name, _ in read}
    assert {"ConsumedCapacity.IdempotencyTable", "ThrottledRequests", "NumberOfBackupJobsFailed"} <= names
    assert ("AWS/Lambda", "Errors", (("FunctionName", "${BackupDrillFunction}"),)) in read
