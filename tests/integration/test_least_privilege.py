"""Every DynamoDB request a function makes is allowed by that function's IAM policy in template.yaml.

Requests are attributed to the function whose entry point made them (spooky.db.observe.invoked_as).
The whole run is judged when it ends, over every worker's requests (tests/support/least_privilege.py):
a denied request fails the run. The test here invokes each function with its sample event and judges
what this process has seen so far, so the check also holds when this file runs on its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest

from devtools.functions import load_handler
from devtools.lambda_context import LocalLambdaContext
from devtools.template import ROOT, functions
from tests.support.least_privilege import denied, recorded


def _invoke_sample_events() -> None:
    for name, function in functions().items():
        event: dict[str, Any] = json.loads((ROOT / "events" / f"{function.code_uri.name}.json").read_text())
        # Only the requests matter here; test_sample_events.py asserts the answers.
        with suppress(Exception):
            load_handler(name)(event, LocalLambdaContext(name))


def test_every_request_was_allowed_by_the_functions_policy(
    local_tables: dict[str, str], pytestconfig: pytest.Config
) -> None:
    _invoke_sample_events()

    seen = recorded(pytestconfig)
    refused = denied(seen)

    assert seen
    assert not refused, "template.yaml would deny:\n" + "\n".join(map(str, refused))


# A test run under xdist (one worker: its requests reach the controller only through the run's files)
# whose only test passes but makes a request HealthFunction's policy does not grant: the run must fail
# and name the request.
BOGUS_REQUEST = """
import boto3
from moto import mock_aws

from devtools.tables import create_tables
from spooky.db.observe import instrument, invoked_as


def test_health_scans_the_auth_table():
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        names = create_tables(client)
        instrument(client)
        with invoked_as("HealthFunction"):
            client.scan(TableName=names["AuthTable"])
"""


def test_a_denied_request_fails_the_whole_run(tmp_path: Path) -> None:
    (tmp_path / "test_bogus.py").write_text(BOGUS_REQUEST)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "layers" / "common"), str(ROOT)]),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.support.least_privilege",
            "-n",
            "1",
            "-p",
            "no:cacheprovider",
        ],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert "1 passed" in run.stdout, run.stdout + run.stderr
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.stdout + run.stderr
    assert "('HealthFunction', 'dynamodb:Scan', 'AuthTable', None)" in run.stdout
