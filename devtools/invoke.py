"""`make invoke FN=health`: one function, one event (events/health.json), like `sam local invoke`.

FN is the function's folder under functions/ or its logical id (health or HealthFunction: the folder is
the logical id without "Function", in snake_case); EVENT defaults to events/<folder>.json.

The handler's JSON result is the only thing on stdout (logs and metrics go to stderr), so the output
can be piped to `jq`. Uses the DynamoDB already listening on --dynamodb-port (`make api`'s), else an
in-memory DynamoDB Local started for this call, else moto.
"""

from __future__ import annotations

import argparse
import json
import sys
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

from devtools import dynamodb_local
from devtools.local_env import FunctionError, InProcessRunner, configure_logging, local_functions
from devtools.template import ROOT, folder_of, function_named, functions


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.invoke", description="Invoke a function of template.yaml with an event file"
    )
    parser.add_argument("function", help="functions/<folder> or logical id, e.g. health or HealthFunction")
    parser.add_argument("-e", "--event", help="event JSON file ('-': stdin); default: events/<folder>.json")
    parser.add_argument(
        "--dynamodb-port",
        type=int,
        default=dynamodb_local.configured_port(),
        help="use the DynamoDB listening there if any",
    )
    args = parser.parse_args(argv)
    try:
        args.function = function_named(args.function)
    except KeyError:
        names = ", ".join(folder_of(name) for name in functions())
        parser.error(f"{args.function} is not a function of template.yaml: {names}")
    if args.event is None:
        args.event = str(ROOT / "events" / f"{folder_of(args.function)}.json")
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
    # A database started only for this call lives on a free port, apart from `make api`'s. Handlers log
    # and print metrics to stdout, as in Lambda; here stdout carries the result only.
    with (
        local_functions(
            args.dynamodb_port, data_dir=None, start_port=dynamodb_local.free_port(), function=args.function
        ),
        redirect_stdout(sys.stderr),
    ):
        try:
            result = InProcessRunner().run(args.function, event)
        except FunctionError as error:
            result, status = error.payload, 1
    print(json.dumps(result, indent=2))
    return status


if __name__ == "__main__":
    sys.exit(main())
