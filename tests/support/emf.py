"""Read the metrics Powertools printed (CloudWatch embedded metric format) and reset its state."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator

import pytest

from spooky.observability import metrics


def emitted(output: str) -> dict[str, list[float]]:
    """Metric name -> values, from every EMF document in ``output``."""
    values: dict[str, list[float]] = defaultdict(list)
    for line in output.splitlines():
        if not line.startswith('{"_aws"'):
            continue
        document = json.loads(line)
        for directive in document["_aws"]["CloudWatchMetrics"]:
            for metric in directive["Metrics"]:
                value = document[metric["Name"]]
                values[metric["Name"]].extend(value if isinstance(value, list) else [value])
    return dict(values)


def reset() -> None:
    metrics.clear_metrics()


@pytest.fixture(autouse=True)
def fresh_metrics() -> Iterator[None]:
    """Metrics Powertools holds per process start (and end) empty around each test."""
    reset()
    yield
    reset()
