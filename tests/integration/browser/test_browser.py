"""The npm better-auth client in headless Chromium against the local API, as a front end uses it.

Pages are served from http://localhost:<port> by a tiny static server; the API is the real local API
(template routes, authorizer, CorsFunction) on DynamoDB Local. Two setups from docs/api.md:
- same-site cookies: page on localhost:<p1>, API on localhost:<p2> (same site, another origin);
- cross-site bearer: page on localhost:<p1>, API on 127.0.0.1:<p2> (another site, as a front end
  and *.execute-api.amazonaws.com are), the token kept in localStorage.
A second trusted origin must read the API's answers (a function's 401, the authorizer's 401, a 404);
an untrusted one must read none. Chromium is Debian's, driven by playwright-core (drive.mjs).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
import threading
import urllib.request
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from devtools.dynamodb_local import free_port
from devtools.local_api import LocalApi
from devtools.local_env import InProcessRunner, apply_environment, local_environment
from devtools.template import ROOT
from tests.integration.conftest import LocalDynamo

HERE = Path(__file__).parent
CHROMIUM = Path("/usr/bin/chromium")
NODE_BIN = ROOT / "node_modules" / ".bin"

pytestmark = pytest.mark.skipif(
    not os.environ.get("CI") and not CHROMIUM.exists(), reason="Chromium is not installed (CI installs it)"
)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def bundle_page(into: Path) -> None:
    """The test page plus the better-auth client bundled into one ES module (esbuild, offline)."""
    shutil.copy(HERE / "page" / "index.html", into / "index.html")
    subprocess.run(
        [NODE_BIN / "esbuild", HERE / "page" / "entry.mjs", "--bundle", "--format=esm", "--log-level=warning",
         f"--outfile={into / 'better-auth-client.js'}"],
        cwd=ROOT, check=True, timeout=60,
    )  # fmt: skip


def serve_static(directory: Path, port: int) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(
        ("127.0.0.1", port), functools.partial(_QuietHandler, directory=str(directory))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def preflight(api: str, origin: str) -> dict[str, str]:
    request = urllib.request.Request(
        f"{api}/api/auth/sign-up/email",
        method="OPTIONS",
        headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return dict(response.headers)


@pytest.fixture(scope="module")
def ports() -> dict[str, int]:
    return {name: free_port() for name in ("page", "second", "untrusted", "api")}


@pytest.fixture(scope="module")
def api(
    local_dynamo: LocalDynamo, ports: dict[str, int], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The local API trusting two front ends (neither the default port 3000); yields its URL."""
    trusted = f"http://localhost:{ports['page']},http://localhost:{ports['second']}"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRUSTED_ORIGINS", trusted)
        patch.setenv("LOCAL_OUTBOX_PATH", str(tmp_path_factory.mktemp("outbox") / "outbox.jsonl"))
        environment = local_environment(local_dynamo.endpoint, local_dynamo.create_tables())
        apply_environment(environment, setenv=patch.setenv)
        server = LocalApi(InProcessRunner(), port=ports["api"])
        server.start()
        yield server.url
        server.stop()


@pytest.fixture(scope="module")
def observations(api: str, ports: dict[str, int], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Everything the browser saw, from one Chromium run (drive.mjs)."""
    site = tmp_path_factory.mktemp("site")
    bundle_page(site)
    servers = [serve_static(site, ports[name]) for name in ("page", "second", "untrusted")]
    same_site, cross_site = f"http://localhost:{ports['api']}", f"http://127.0.0.1:{ports['api']}"
    config = {
        "pages": {
            "cookie": f"http://localhost:{ports['page']}/?api={same_site}&mode=cookie",
            "bearer": f"http://localhost:{ports['page']}/?api={cross_site}&mode=bearer",
            "second": f"http://localhost:{ports['second']}/",
            "untrusted": f"http://localhost:{ports['untrusted']}/",
        },
        "api": {"sameSite": same_site, "crossSite": cross_site},
    }
    try:
        run = subprocess.run(
            ["node", HERE / "drive.mjs", json.dumps(config)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=90,
        )
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
    assert run.returncode == 0, run.stderr
    seen: dict[str, Any] = json.loads(run.stdout)
    return seen


def test_same_site_cookie_session_survives_a_reload_until_sign_out(observations: dict[str, Any]) -> None:
    cookie = observations["cookie"]

    assert cookie["signUp"] == {"email": cookie["email"], "error": None}
    assert cookie["afterSignUp"] == cookie["email"]
    assert cookie["afterReload"] == cookie["email"]
    assert cookie["signOut"] is True
    assert cookie["afterSignOut"] is None


def test_cross_site_bearer_session_survives_a_reload(observations: dict[str, Any]) -> None:
    bearer = observations["bearer"]

    assert bearer["signUp"] == {"email": bearer["email"], "error": None}
    assert bearer["tokenKept"] is True
    assert bearer["afterReload"] == bearer["email"]
    assert bearer["listSessions"] == 1  # through the API Gateway authorizer
    assert bearer["afterSignOut"] is None


def test_a_second_trusted_origin_reads_function_and_gateway_answers(observations: dict[str, Any]) -> None:
    second = observations["secondOrigin"]

    assert second["signIn"] == {
        "status": 401,
        "body": {"code": "INVALID_EMAIL_OR_PASSWORD", "message": "Invalid email or password"},
    }
    assert second["protected"] == {"status": 401, "body": {"code": "UNAUTHORIZED", "message": "Unauthorized"}}
    assert second["notFound"] == {"status": 404, "body": {"code": "NOT_FOUND", "message": "Not found"}}


def test_an_untrusted_origin_reads_nothing(observations: dict[str, Any]) -> None:
    assert all("blocked" in seen for seen in observations["untrusted"].values()), observations["untrusted"]


def test_preflights_grant_every_trusted_origin_and_never_echo_others(api: str, ports: dict[str, int]) -> None:
    second = f"http://localhost:{ports['second']}"

    granted = preflight(api, second)
    refused = preflight(api, f"http://localhost:{ports['untrusted']}")

    assert granted["Access-Control-Allow-Origin"] == second
    assert granted["Access-Control-Allow-Credentials"] == "true"
    assert "Access-Control-Allow-Origin" not in refused
