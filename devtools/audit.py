"""`python -m devtools.audit <entity> <id>`: the audit trail of one user, post, session or account.

Prints one JSON object per change, oldest first. Reading is all an operator can do: the audit log
has no update or delete path (docs/operations.md).
"""

from __future__ import annotations

import argparse
import json
import sys

from devtools.operator import add_target_arguments, configure_target
from spooky.repositories.audit import history

ENTITIES = ("user", "post", "session", "account")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.audit", description=__doc__)
    add_target_arguments(parser)
    parser.add_argument("entity", choices=ENTITIES)
    parser.add_argument("id")
    parser.add_argument("--limit", type=int, default=None, help="at most this many records")
    args = parser.parse_args(argv)
    configure_target(args)
    records = history(args.entity, args.id, args.limit)
    for record in records:
        print(json.dumps(record.as_json(), sort_keys=True))
    if not records:
        print(f"no audit records for {args.entity} {args.id}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
