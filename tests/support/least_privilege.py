"""Least privilege over the whole run: every DynamoDB request a function made is allowed by its IAM policy.

A pytest plugin (loaded by tests/conftest.py). Every test process (the only one, or each xdist worker)
records the distinct requests the functions made (spooky.db.observe attributes them) to a file of its
own in a directory of the run; the process that owns the run (the only one, or the xdist controller)
reads them all when the session ends and turns a request template.yaml would deny into a failed run:
no test order is needed, and with xdist no worker sees the others' requests.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Any

import pytest

from devtools.iam import allows, dynamodb_grants, logical_table
from devtools.template import functions
from spooky.db.observe import Observation, add_listener, remove_listener

Request = tuple[str, str, str, str | None]  # function, action, table (logical id), index

_DIRECTORY = pytest.StashKey[Path]()
_OWNS_DIRECTORY = pytest.StashKey[bool]()
_RECORDER = pytest.StashKey["Recorder"]()
_DENIED = pytest.StashKey[list[Request]]()
_WORKER_INPUT = "least_privilege_requests"


class Recorder:
    """Appends each distinct request to ``path`` as it is first seen (threads share it, hence the lock)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.seen: set[Request] = set()
        self._lock = threading.Lock()

    def __call__(self, observation: Observation) -> None:
        if observation.function not in functions():
            return
        for action, table_name in observation.permissions:
            table = logical_table(table_name)
            if table is None:
                continue
            request: Request = (observation.function, action, table, observation.index_name)
            with self._lock:
                if request in self.seen:
                    continue
                self.seen.add(request)
                with self.path.open("a") as log:
                    log.write(json.dumps(request) + "\n")


def denied(requests: set[Request]) -> list[Request]:
    """The requests the requesting function's policy in template.yaml does not allow."""
    return sorted(request for request in requests if not allows(dynamodb_grants(request[0]), *request[1:]))


def recorded(config: pytest.Config) -> set[Request]:
    """The requests this process has recorded so far."""
    return set(config.stash[_RECORDER].seen)


def _read_all(directory: Path) -> set[Request]:
    requests: set[Request] = set()
    for path in directory.glob("*.jsonl"):
        for line in path.read_text().splitlines():
            function, action, table, index = json.loads(line)
            requests.add((function, action, table, index))
    return requests


def pytest_configure(config: pytest.Config) -> None:
    worker_input: dict[str, Any] | None = getattr(config, "workerinput", None)
    if worker_input is None:
        directory = Path(tempfile.mkdtemp(prefix="spooky-requests-"))
        name = "main"
    else:
        directory = Path(worker_input[_WORKER_INPUT])
        name = worker_input["workerid"]
    config.stash[_DIRECTORY] = directory
    config.stash[_OWNS_DIRECTORY] = worker_input is None
    config.stash[_RECORDER] = Recorder(directory / f"{name}.jsonl")
    add_listener(config.stash[_RECORDER])


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist controller: each worker records into the run's directory."""
    node.workerinput[_WORKER_INPUT] = str(node.config.stash[_DIRECTORY])


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    # Workers only record; the owner judges once every worker has finished (xdist's run loop has
    # returned by now). An interrupted or broken run is not judged: its requests are incomplete.
    if not config.stash[_OWNS_DIRECTORY] or exitstatus not in (
        pytest.ExitCode.OK,
        pytest.ExitCode.TESTS_FAILED,
    ):
        return
    refused = denied(_read_all(config.stash[_DIRECTORY]))
    if refused:
        config.stash[_DENIED] = refused
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    refused = config.stash.get(_DENIED, [])
    if refused:
        terminalreporter.section("least privilege", sep="=", red=True, bold=True)
        terminalreporter.line("template.yaml would deny these requests (function, action, table, index):")
        for request in refused:
            terminalreporter.line(f"  {request}", red=True)


def pytest_unconfigure(config: pytest.Config) -> None:
    remove_listener(config.stash[_RECORDER])
    if config.stash[_OWNS_DIRECTORY]:
        shutil.rmtree(config.stash[_DIRECTORY], ignore_errors=True)
