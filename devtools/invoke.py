"""`make invoke FN=HealthFunction EVENT=events/health.json`: one function, one event, like `sam local invoke`.

The handler's JSON result is the only thing on stdout (logs and metrics go to stderr), so the output
can be piped to `jq`. Uses the DynamoDB already listening on --dynamodb-port (`make api`'s), else an
in-memory DynamoDB Local started for this call, else moto.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

from devtools import dynamodb_local
from devtools.local_env import (
    FunctionError,
    InProcessRunner,
    apply_environment,
    configure_logging,
    local_database,
    local_environment,
)
from devtools.template import functions


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.invoke", description="Invoke a function of template.yaml with an event file"
    )
    parser.add_argument("function", help="logical id in template.yaml, e.g. HealthFunction")
    parser.add_argument("-e", "--event", help="event JSON file ('-' for stdin); default: {}")
    parser.add_argument(
        "--dynamodb-port",
        type=int,
        default=int(os.environ.get("DYNAMODB_LOCAL_PORT", dynamodb_local.DEFAULT_PORT)),
        help="use the DynamoDB listening there if any",
    )
    args = parser.parse_args(argv)
    if args.function not in functions():
        parser.error(f"{args.function} is not a function of template.yaml: {', '.join(functions())}")
    return args


def read_event(source: str | None) -> dict[str, Any]:
    if source is None:
        return {}
    text = sys.stdin.read() if source == "-" else Path(source).read_text()
    event: dict[str, Any] = json.loads(text)
    return event


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    configure_logging()
    event = read_event(args.event)
    status = 0
    # A database started only for this call lives on a free port, apart from `make api`'s.
    with local_database(args.dynamodb_port, data_dir=None, start_port=dynamodb_local.free_port()) as database:
        apply_environment(local_environment(database.endpoint, database.table_names, args.function))
        # Handlers log and print metrics to stdout, as in Lambda; here stdout carries the result only.
        with redirect_stdout(sys.stderr):
            try:
                result = InProcessRunner().run(args.function, event)
            except FunctionError as error:
                result, status = error.payload, 1
    print(json.dumps(result, indent=2))
    return status


if __name__ == "__main__":
    sys.exit(main())
