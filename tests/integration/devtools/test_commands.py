"""The README's local commands, run as a developer runs them: `make api` and `make invoke`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from urllib.parse import urlparse

from devtools.dynamodb_local import free_port, is_listening
from devtools.template import ROOT


def run_module(module: str, *args: str) -> subprocess.Popen[str]:
    environment = {**os.environ, "PYTHONPATH": "layers/common:layers/jobs:."}
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=environment,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def wait_for_health(url: str, process: subprocess.Popen[str], timeout: float = 30) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()[1]
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                return int(response.status)
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer within {timeout} s")


def interrupt(process: subprocess.Popen[str]) -> str:
    """Ctrl-C, then what the process wrote to stderr (killed if it does not stop)."""
    process.send_signal(signal.SIGINT)
    try:
        return process.communicate(timeout=15)[1]
    except subprocess.TimeoutExpired:
        process.kill()
        raise AssertionError(f"still running 15 s after Ctrl-C:\n{process.communicate()[1]}") from None


def test_local_api_serves_until_interrupted_and_keeps_a_database_it_did_not_start(
    dynamodb_local_endpoint: str,
) -> None:
    database_port = urlparse(dynamodb_local_endpoint).port
    assert database_port is not None
    port = free_port()
    process = run_module("devtools.local_api", "--port", str(port), "--dynamodb-port", str(database_port))
    try:
        assert wait_for_health(f"http://127.0.0.1:{port}", process) == 200
    finally:
        errors = interrupt(process)

    assert process.returncode == 0, errors
    assert "DynamoDB already running" in errors
    assert is_listening(database_port)


def test_invoke_prints_only_the_handlers_result(dynamodb_local_endpoint: str) -> None:
    database_port = str(urlparse(dynamodb_local_endpoint).port)
    process = run_module(
        "devtools.invoke", "HealthFunction", "--event", "events/health.json", "--dynamodb-port", database_port
    )
    output, errors = process.communicate(timeout=60)

    assert process.returncode == 0, errors
    result = json.loads(output)
    assert result["statusCode"] == 200
    assert json.loads(result["body"])["healthy"] is True
