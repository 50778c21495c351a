"""`python -m devtools.audit <entity> <id>`: the audit trail of one user, post, session or account.

Prints one JSON object per change, oldest first. Reading is all an operator can do: the audit log
has no update or delete path (docs/operations.md).

`python -m devtools.audit pseudonym <value>` prints the pseudonym the audit log holds for a value
(an email, a name, an IP address) under the current key, for an investigator to search records
with; it needs the signing secret (AUTH_SECRET, or AUTH_SECRET_PARAMETER and SSM access).
"""

from __future__ import annotations

import argparse
import json
import sys

from devtools.operator import add_target_arguments, configure_target
from spooky_jobs import pseudonyms
from spooky_jobs.repositories.audit import history

# "sessions": revocations of all of a user's sessions (the session epoch), by user id.
ENTITIES = ("user", "post", "session", "sessions", "account")
PSEUDONYM = "pseudonym"


def print_pseudonym(value: str) -> None:
    key = pseudonyms.audit_key()
    print(
        json.dumps(
            {
                "pseudonym": pseudonyms.pseudonym(value, key),
                "text": pseudonyms.text_pseudonym(value, key),
                "pseudonymKey": pseudonyms.key_id(key),
            },
            sort_keys=True,
        )
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.audit", description=__doc__)
    add_target_arguments(parser)
    parser.add_argument("entity", choices=(*ENTITIES, PSEUDONYM))
    parser.add_argument("id", help="the entity's id, or the value to pseudonymise")
    parser.add_argument("--limit", type=int, default=None, help="at most this many records")
    args = parser.parse_args(argv)
    configure_target(args)
    if args.entity == PSEUDONYM:
        print_pseudonym(args.id)
        return 0
    records = history(args.entity, args.id, args.limit)
    for record in records:
        print(json.dumps(record.as_json(), sort_keys=True))
    if not records:
        print(f"no audit records for {args.entity} {args.id}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
