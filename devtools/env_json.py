"""`make env-json`: .local/env.json for `sam local invoke --env-vars`, from template.yaml.

Every function gets its own template variables with local values: the tables as `make dynamodb`
names them, DynamoDB Local reached from inside the function's container, the development signing
secret and the outbox instead of SSM and SES. SAM overrides only variables the template declares,
so nothing else is written (template.yaml declares the local-only ones, inert when deployed).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from devtools import dynamodb_local
from devtools.local_env import local_environment
from devtools.tables import table_name
from devtools.template import ROOT, functions, table_definitions

OUTPUT_PATH = ROOT / ".local" / "env.json"
# Docker Desktop names the host so; on Linux add `--add-host host.docker.internal:host-gateway`,
# or use --docker-network host with --endpoint http://127.0.0.1:8000.
DEFAULT_ENDPOINT = f"http://host.docker.internal:{dynamodb_local.DEFAULT_PORT}"
# Inside the container only /tmp is writable.
CONTAINER_OUTBOX = "/tmp/outbox.jsonl"  # noqa: S108 - a path inside the function container


def env_vars(endpoint: str = DEFAULT_ENDPOINT) -> dict[str, dict[str, str]]:
    """Function logical id -> the values of exactly the variables template.yaml declares for it."""
    tables = {logical_id: table_name(logical_id) for logical_id in table_definitions()}
    found: dict[str, dict[str, str]] = {}
    for logical_id, function in functions().items():
        local = local_environment(endpoint, tables, logical_id) | {"LOCAL_OUTBOX_PATH": CONTAINER_OUTBOX}
        # Declared but not set locally (SSM parameter names): empty, so SSM is never reached.
        found[logical_id] = {name: local.get(name, "") for name in sorted(function.environment)}
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m devtools.env_json", description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", default=DEFAULT_ENDPOINT, help="DynamoDB as the containers reach it")
    parser.add_argument("--output", type=Path, default=OUTPUT_PATH)
    args = parser.parse_args(argv)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(env_vars(args.endpoint), indent=2) + "\n")
    print(f"wrote {args.output} ({args.endpoint})")


if __name__ == "__main__":
    main()
