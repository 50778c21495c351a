"""The contract suite: Better Auth's own npm client (tests/contract/, run by ``node --test``) against the
local API, the real handlers and authorizer on DynamoDB Local.

`make contract` runs only this; `make test` runs it with everything else. The client's version is pinned
in package.json (installed by `npm ci`, as `make setup` does).
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from devtools.template import ROOT
from spooky.settings import get_settings

SUITE = ROOT / "tests" / "contract"
CLIENT_PACKAGE = ROOT / "node_modules" / "better-auth" / "package.json"
TIMEOUT_SECONDS = 300


def _node() -> str:
    node = shutil.which("node")
    if node is None or not CLIENT_PACKAGE.exists():
        # Never skipped: the suite is the proof that the front end's client works unchanged.
        pytest.fail("the contract suite needs Node.js and `npm ci` (better-auth in node_modules)")
    return node


def test_the_better_auth_client_speaks_with_the_api(local_api: str) -> None:
    environment = {
        **os.environ,
        "SPOOKY_API_URL": local_api,
        "SPOOKY_OUTBOX_PATH": str(ROOT / get_settings().local_outbox_path),
        "NO_COLOR": "1",
    }
    tests = sorted(str(path) for path in SUITE.glob("*.test.mjs"))
    finished = subprocess.run(
        [_node(), "--test", "--test-reporter=spec", *tests],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )

    print(finished.stdout, finished.stderr)  # node's own report, shown by pytest on failure or with -s
    assert finished.returncode == 0, finished.stdout[-4000:] + finished.stderr[-2000:]
