"""`python -m devtools.backup_drill`: restore every data table's latest recovery point and check it.

The scheduled BackupDrillFunction does the same one step per run; this waits for the restores, so
it also measures how long a restore takes (the RTO in docs/operations.md), and shows on stderr, when
that is a terminal, the tables checked so far and what it is waiting for. Exit status 1 on failure.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta

from devtools.operator import add_target_arguments, configure_target
from devtools.progress import progress
from spooky_jobs import backup_drill


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.backup_drill", description=__doc__)
    add_target_arguments(parser)
    parser.add_argument(
        "--source",
        choices=("auto", "backup", "pitr"),
        default="auto",
        help="latest backup, latest restorable point in time, or backup else PITR",
    )
    parser.add_argument("--sample-size", type=int, default=backup_drill.DEFAULT_SAMPLE_SIZE)
    parser.add_argument(
        "--timeout-minutes", type=float, default=backup_drill.MAX_RESTORE_TIME.total_seconds() / 60
    )
    args = parser.parse_args(argv)
    configure_target(args)

    started = time.monotonic()
    with progress("Backup drill: tables checked", len(backup_drill.data_tables())) as shown:
        report = backup_drill.run(
            backup_drill.dynamodb_client(),
            args.source,
            backup_drill.Limits(sample_size=args.sample_size),
            timeout=timedelta(minutes=args.timeout_minutes),
            progress=shown,
        )
    for check in report.checks:
        verdict = "PASS" if check.passed else "FAIL"
        print(
            f"{verdict} {check.source} <- {check.restored or '(no restore)'} at {check.recovery_point}: "
            f"{check.restored_items} restored / {check.source_items} now, sampled {check.sampled}, "
            f"matched {check.matched}, changed since {check.changed_since}, unverifiable {check.unverifiable}"
        )
        for problem in check.problems:
            print(f"  - {problem}")
    print(f"drill {'passed' if report.passed else 'FAILED'} in {time.monotonic() - started:.0f} s")
    return 0 if report.passed else 1


if __name__ == "__main__":
    sys.exit(main())
