"""Loading handler modules in a fresh interpreter, as the Lambda runtime does, to see what they import."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from typing import Any

from devtools.template import ROOT

LOAD_HANDLERS = """
import importlib.util, json, sys
for name, path in json.loads(sys.argv[1]).items():
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
answer["loaded"] = sorted(sys.modules)
"""


def load_handlers_fresh(
    handlers: dict[str, str], then: str = "", before: str = "", lambda_init: bool = False
) -> dict[str, Any]:
    """Imports ``handlers`` (module name -> path) in a new interpreter, between ``before`` and ``then``,
    which may add to ``answer``; returns ``answer``: ``loaded`` is every module imported by then.
    ``lambda_init``: with the variable by which the Lambda runtime (and spooky) tell an init."""
    script = (
        "answer = {}\n"
        + textwrap.dedent(before)
        + LOAD_HANDLERS
        + textwrap.dedent(then)
        + "\nprint(json.dumps(answer))\n"
    )
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(str(ROOT / part) for part in ("layers/common", "layers/jobs", ".")),
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
    }
    environment.pop("AWS_LAMBDA_RUNTIME_API", None)
    if lambda_init:
        environment["AWS_LAMBDA_RUNTIME_API"] = "127.0.0.1:9001"
    completed = subprocess.run(
        [sys.executable, "-c", script, json.dumps(handlers)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env=environment,
    )
    answer: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    return answer
