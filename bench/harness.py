"""One benchmark run's world: DynamoDB Local in memory on a free port, the template's tables, the
functions' local environment in this process, and the seeded data set."""

from __future__ import annotations

import os
import platform
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.dataset import FULL_SCALE, QUICK_SCALE, Dataset, Scale, seed
from devtools import dynamodb_local
from devtools.local_env import apply_environment, local_environment
from devtools.tables import create_tables


@dataclass(frozen=True)
class Mode:
    name: str
    scale: Scale
    # Samples per latency figure (medians and p99 of this many calls).
    repeats: int
    cold_start_runs: int
    throughput_requests: int
    throughput_threads: int
    # `sam build` takes ~20 s and needs PyPI: full runs only.
    build_artifacts: bool

    @property
    def quick(self) -> bool:
        return self.name == "quick"


FULL = Mode(
    "full",
    FULL_SCALE,
    repeats=200,
    # A median of 7 moved by up to 0.04x from run to run for the same code (2026-12-02): 11 narrows it.
    cold_start_runs=11,
    throughput_requests=2_000,
    throughput_threads=8,
    build_artifacts=True,
)
QUICK = Mode(
    "quick",
    QUICK_SCALE,
    repeats=5,
    cold_start_runs=2,
    throughput_requests=80,
    throughput_threads=4,
    build_artifacts=False,
)


@dataclass(frozen=True)
class Harness:
    mode: Mode
    endpoint: str
    table_names: dict[str, str]
    environment: dict[str, str]
    outbox: Path
    dataset: Dataset
    seed_seconds: float

    def client(self) -> Any:
        """A bare boto3 DynamoDB client on the same DynamoDB Local (not observed by spooky)."""
        return dynamodb_local.client(self.endpoint)


def machine() -> str:
    java = subprocess.run(["java", "-version"], capture_output=True, text=True, check=False).stderr
    return (
        f"{os.cpu_count()} CPUs (nproc), {platform.machine()}, {platform.system()} {platform.release()}, "
        f"load average {os.getloadavg()[0]:.1f} before the run (other work on the machine); "
        f"Python {platform.python_version()}; {java.splitlines()[0] if java else 'no java'}; "
        f"DynamoDB Local {dynamodb_local.find_jar().parent.name.removeprefix('dynamodb_local_')}"
    )


def _name_the_metrics(environment: dict[str, str]) -> None:
    """Powertools read its metrics namespace and service when the bench's modules imported
    spooky.observability, before this environment was applied (Lambda sets it before any import)."""
    from spooky.observability import metrics

    metrics.namespace = environment["POWERTOOLS_METRICS_NAMESPACE"]
    metrics.service = environment["POWERTOOLS_SERVICE_NAME"]


@contextmanager
def harness(mode: Mode) -> Iterator[Harness]:
    """Start DynamoDB Local (in memory), create the tables, point the functions at them, seed."""
    port = dynamodb_local.free_port()
    process = dynamodb_local.start(port, data_dir=None)
    endpoint = f"http://127.0.0.1:{port}"
    try:
        with tempfile.TemporaryDirectory(prefix="bench-") as workdir:
            names = create_tables(dynamodb_local.client(endpoint))
            outbox = Path(workdir) / "outbox.jsonl"
            environment = {
                **local_environment(endpoint, names),
                # Emails (verification, password reset) land in a file the scenarios read tokens from.
                "LOCAL_OUTBOX_PATH": str(outbox),
                # Handlers log warnings and errors only: INFO lines would flood the tables on stdout.
                "POWERTOOLS_LOG_LEVEL": "WARNING",
                # Metrics published at the end of every invocation, as deployed (run.py sends them to
                # /dev/null); the local API disables them, which makes a handler do less than in Lambda.
                "POWERTOOLS_METRICS_DISABLED": "false",
            }
            apply_environment(environment)
            _name_the_metrics(environment)
            started = time.perf_counter()
            dataset = seed(mode.scale)
            yield Harness(mode, endpoint, names, environment, outbox, dataset, time.perf_counter() - started)
    finally:
        process.terminate()
        process.wait(timeout=30)
