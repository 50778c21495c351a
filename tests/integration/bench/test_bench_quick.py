"""The benchmarks keep working: `python -m bench.run --quick` end to end, in its own process.

Only that every benchmark runs and reports is checked here; no figure is asserted (timings on a shared
CI machine say nothing). The full run's figures live in docs/performance.md.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from devtools.template import ROOT

# Minutes of its own DynamoDB Local and local API: `make test-long`.
pytestmark = pytest.mark.slow

SECTIONS = (
    "1. Requests and capacity per endpoint",
    "2. Pagination depth",
    "3. Cold start",
    "3b. Deployed size",
    "4. Handler overhead (warm)",
    "5. Throughput of the local API",
)


def test_quick_run_reports_every_benchmark(tmp_path: Path) -> None:
    report = tmp_path / "performance.md"
    # A process of its own: the run starts its own DynamoDB Local and sets the functions' environment.
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--quick", "--output", str(report)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(["layers/common", "layers/jobs", "."])},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )

    # Exit 1 would mean a route over its request budget (bench/budgets.py): stderr names it.
    assert done.returncode == 0, done.stderr[-4000:]
    text = report.read_text()
    assert "Request budgets (bench/budgets.py)" in text
    for title in SECTIONS:
        assert f"## {title}" in text
        assert f"## {title}" in done.stdout
    # Every route's scenario could prepare its request (a failing setup means a stale scenario).
    assert "not measured" not in text
    assert re.search(r"\| no errors under concurrent load \| 0 errors of \d+ requests \| \*\*met\*\*", text)
