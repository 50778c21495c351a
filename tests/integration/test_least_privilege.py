"""Every DynamoDB request a function makes is allowed by that function's IAM policy in template.yaml.

Requests are attributed to the function whose entry point made them (spooky.db.observe.invoked_as).
This test runs last (tests/integration/conftest.py) and judges every request of the whole run, plus
one invocation of each function with its sample event, so it also holds when run on its own.
"""

from __future__ import annotations

import json
from contextlib import suppress
from typing import Any

from devtools.functions import load_handler
from devtools.iam import allows, dynamodb_grants, logical_table
from devtools.lambda_context import LocalLambdaContext
from devtools.template import ROOT, functions
from spooky.db.observe import Observation, add_listener

Request = tuple[str, str, str, str | None]  # function, action, table (logical id), index
seen: set[Request] = set()


def _record(observation: Observation) -> None:
    if observation.function not in functions():
        return
    for action, table_name in observation.permissions:
        table = logical_table(table_name)
        if table is not None:
            seen.add((observation.function, action, table, observation.index))


add_listener(_record)


def _invoke_sample_events() -> None:
    for name, function in functions().items():
        event: dict[str, Any] = json.loads((ROOT / "events" / f"{function.code_uri.name}.json").read_text())
        # Refusals (a function error on a sample event) are fine here.
        with suppress(Exception):
            load_handler(name)(event, LocalLambdaContext(name))


def test_every_request_was_allowed_by_the_functions_policy(local_tables: dict[str, str]) -> None:
    _invoke_sample_events()

    denied = sorted(request for request in seen if not allows(dynamodb_grants(request[0]), *request[1:]))

    assert seen
    assert not denied, "template.yaml would deny:\n" + "\n".join(map(str, denied))
