"""Response bodies are written as Better Auth's server writes them (JSON.stringify), checked with node."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from devtools.events import rest_event
from devtools.functions import load_handler
from devtools.lambda_context import LocalLambdaContext
from spooky.http import json_body
from spooky.http.errors import error_response
from tests.support.client import FRONT_END_ORIGIN, find_route

# Every character of the Basic Multilingual Plane but the surrogates, and some beyond it.
EVERY_CHARACTER = "".join(chr(code) for code in range(0x10000) if not 0xD800 <= code <= 0xDFFF)
TEXTS = ["plain", '"quoted" \\ /slashed/', "\u2028\u2029", "👻🎃", EVERY_CHARACTER]


def _json_stringify(value: object) -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("needs node (.ci/run installs it)")
    script = "process.stdout.write(JSON.stringify(JSON.parse(require('fs').readFileSync(0, 'utf8'))))"
    finished = subprocess.run(
        [node, "-e", script], input=json.dumps(value), capture_output=True, text=True, check=True
    )
    return finished.stdout


def test_text_is_written_byte_for_byte_as_json_stringify_writes_it() -> None:
    body = {"items": TEXTS, "nested": {"name": "Ünïcödé", "count": 3, "none": None, "flag": True}}

    assert json_body.write(body) == _json_stringify(body)


def test_a_lone_surrogate_which_utf8_cannot_carry_is_escaped() -> None:
    written = json_body.write({"message": "userId \ud800 is not valid"})

    assert "\\ud800" in written
    assert json.loads(written) == {"message": "userId \ud800 is not valid"}


@pytest.mark.usefixtures("moto_tables", "cheap_passwords")
def test_handlers_and_error_answers_are_written_by_it() -> None:
    route, _ = find_route("POST", "/api/auth/sign-up/email")
    body = {"email": "zoe@example.com", "password": "correct horse battery", "name": "Zoë 👻"}
    event = rest_event("POST", route.path, route.path, body=body, headers={"Origin": FRONT_END_ORIGIN})

    answer = load_handler(route.function)(event, LocalLambdaContext(route.function))

    assert answer["statusCode"] == 200
    assert '"name":"Zoë 👻"' in answer["body"]
    assert error_response(400, "BAD", "Zoë").body == '{"code":"BAD","message":"Zoë"}'
