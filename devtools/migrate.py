"""`python -m devtools.migrate new <name> | status | up [--dry-run]`: the data migration workflow.

The specification's `prisma migrate dev --name x` is `new x`; `prisma migrate deploy` is `up`
(docs/operations.md).
"""

from __future__ import annotations

import argparse
import sys

from devtools import migrations
from devtools.operator import add_target_arguments, configure_target
from devtools.template import ROOT


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.migrate", description=__doc__)
    add_target_arguments(parser)
    commands = parser.add_subparsers(dest="command", required=True)
    new = commands.add_parser("new", help="create migrations/NNNN_<name>.py")
    new.add_argument("name")
    commands.add_parser("status", help="each migration: pending, running (with progress) or applied")
    up = commands.add_parser("up", help="run pending migrations in order, resuming unfinished ones")
    up.add_argument("--dry-run", action="store_true", help="count the items that would change; write nothing")
    up.add_argument("--segments", type=int, default=4, help="parallel scan segments (new migrations only)")
    up.add_argument("--page-size", type=int, default=100, help="items per page and checkpoint")
    args = parser.parse_args(argv)

    if args.command == "new":
        print(migrations.new_migration(args.name).relative_to(ROOT))
        return 0
    configure_target(args)
    if args.command == "status":
        for file in migrations.discover():
            print(migrations.describe(file, migrations.ledger(file.id)))
        return 0
    runner = migrations.Runner(segments=args.segments, page_size=args.page_size)
    for file in migrations.discover():
        result = runner.run(file, dry_run=args.dry_run)
        outcome = f"{result.outcome} (resumed)" if result.resumed else result.outcome
        print(f"{result.migration_id}  {outcome}  scanned={result.scanned} changed={result.changed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
