"""`python -m bench.run [--quick] [--only NAMES] [--output PATH]`: run the benchmarks, print their tables.

A full run also writes every table to docs/performance.md; a quick run (what CI runs to keep the
benchmarks working) uses a small data set and few samples and writes only where --output says.
Either exits 1 when a route makes more DynamoDB requests than bench/budgets.py allows it (each such
route on stderr, measured against allowed), and asks on stderr for a ratchet entry to be lowered when
a route makes fewer requests than recorded there.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from contextlib import redirect_stdout
from pathlib import Path

from bench import cold_start, endpoints, overhead, pagination, throughput
from bench.harness import FULL, QUICK, Harness, harness, machine
from bench.report import Section, document, write
from devtools.local_env import configure_logging
from devtools.template import ROOT

Benchmark = Callable[[Harness], Section | list[Section]]
BENCHMARKS: dict[str, Benchmark] = {
    "endpoints": endpoints.run,
    "pagination": pagination.run,
    "cold_start": cold_start.run,
    "overhead": overhead.run,
    "throughput": throughput.run,
}
DEFAULT_OUTPUT = ROOT / "docs" / "performance.md"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run the performance benchmarks on DynamoDB Local")
    parser.add_argument("--quick", action="store_true", help="small data set and few samples (CI)")
    parser.add_argument("--only", help=f"comma-separated subset of: {', '.join(BENCHMARKS)}")
    parser.add_argument(
        "--output", type=Path, help="Markdown report (default: docs/performance.md on full runs)"
    )
    args = parser.parse_args(argv)
    chosen = args.only.split(",") if args.only else list(BENCHMARKS)
    unknown = set(chosen) - set(BENCHMARKS)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    args.chosen = chosen
    if args.output is None and not args.quick and not args.only:
        args.output = DEFAULT_OUTPUT
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    configure_logging()
    mode = QUICK if args.quick else FULL
    started = time.perf_counter()
    host = machine()  # before the run: its load average shows what else the machine was doing
    sections: list[Section] = []
    print(f"Seeding DynamoDB Local ({mode.name} mode) ...", file=sys.stderr, flush=True)
    with harness(mode) as h:
        print(f"Seeded in {h.seed_seconds:.0f} s: {h.dataset.describe()}", file=sys.stderr, flush=True)
        for name in args.chosen:
            print(f"Running {name} ...", file=sys.stderr, flush=True)
            # Handlers print their metrics (EMF) to stdout, a line at a time as in Lambda, where they
            # go to CloudWatch Logs; here to /dev/null: stdout carries the tables only.
            with open(os.devnull, "w", buffering=1) as sink, redirect_stdout(sink):
                result = BENCHMARKS[name](h)
            for section in result if isinstance(result, list) else [result]:
                sections.append(section)
                print(section.markdown(), flush=True)
        dataset = h.dataset.describe()
    if args.output:
        text = document(
            sections,
            mode=mode.name,
            machine=host,
            dataset=dataset,
            duration_s=time.perf_counter() - started,
        )
        write(args.output, text, sections)
        print(f"Wrote {args.output}", file=sys.stderr)
    gaps = [t for s in sections for t in s.targets if t.status == "gap"]
    print(f"{len(gaps)} target(s) with a gap (see the tables).", file=sys.stderr)
    for reminder in (r for s in sections for r in s.reminders):
        print(f"Ratchet: {reminder}", file=sys.stderr)
    failures = [f for s in sections for f in s.failures]
    for failure in failures:
        print(f"Over budget: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
