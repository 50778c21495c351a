"""The shared layer ships its requirements minus what the python3.13 Lambda runtime provides.

One boto3 + botocore pair in Lambda, the runtime's: the layer's Makefile deletes botocore & co. that
PynamoDB and aws-xray-sdk pull in, so the layer's dependencies must accept the runtime's versions.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
import re
import subprocess
import sys
from importlib.metadata import requires
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from bench.cold_start import RUNTIME_PACKAGES
from devtools.template import ROOT, functions, resources

LAYER = ROOT / "layers" / "common"
# The oldest boto3/botocore the python3.13 runtime has shipped (its launch, November 2024); the runtime
# only moves forward, and the venv's (requirements-dev.txt) is newer.
RUNTIME_SDK = Version("1.34.145")
RUNTIME_DISTRIBUTIONS = {"boto3", "botocore", "s3transfer", "jmespath", "python-dateutil", "urllib3", "six"}


def pinned() -> list[Requirement]:
    lines = (LAYER / "requirements.txt").read_text().splitlines()
    return [Requirement(line) for line in lines if line.strip() and not line.startswith("#")]


def test_the_layer_is_built_by_its_makefile() -> None:
    metadata = resources("AWS::Serverless::LayerVersion")["CommonLayer"]["Metadata"]
    assert metadata == {"BuildMethod": "makefile", "BuildArchitecture": "arm64"}
    assert "build-CommonLayer:" in (LAYER / "Makefile").read_text()


def test_the_makefile_removes_what_the_runtime_provides() -> None:
    match = re.search(r"^RUNTIME_PACKAGES := (.+)$", (LAYER / "Makefile").read_text(), re.MULTILINE)
    assert match is not None
    assert set(match.group(1).split()) == RUNTIME_PACKAGES


def test_the_layer_pins_none_of_the_runtimes_packages() -> None:
    assert {requirement.name for requirement in pinned()} & RUNTIME_DISTRIBUTIONS == set()


# aws-xray-sdk comes with Powertools' tracer extra and depends on botocore too.
@pytest.mark.parametrize("distribution", [*(requirement.name for requirement in pinned()), "aws-xray-sdk"])
def test_layer_dependencies_accept_the_runtimes_boto3_and_botocore(distribution: str) -> None:
    for declared in map(Requirement, requires(distribution) or []):
        if declared.name in {"boto3", "botocore"} and declared.marker is None:
            assert declared.specifier.contains(RUNTIME_SDK), f"{distribution} needs {declared}"


def test_email_validation_never_imports_dnspython() -> None:
    """The layer ships no dnspython: email-validator needs it only for deliverability checks."""
    script = (
        "import sys\n"
        "from spooky.schemas.common import normalize_email\n"
        "assert normalize_email('Jane@Example.com') == 'jane@example.com'\n"
        "print(sorted(name for name in sys.modules if name == 'dns' or name.startswith('dns.')))\n"
    )
    environment = {**os.environ, "PYTHONPATH": str(LAYER)}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=environment
    )
    assert done.stdout.strip() == "[]"


# ---------------------------------------------------------------- the built layer

# Runs in an interpreter that sees only the built layers and the runtime's packages (-S: no venv), with
# tracing on as in Lambda: imports every function, then uses what the Makefile's deletions could break.
LAYER_CHECK = r"""
import gc, importlib.util, json, sys

class Context:
    function_name = "LayerCheck"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:us-east-1:000000000000:function:LayerCheck"
    aws_request_id = "layer-check"
    def get_remaining_time_in_millis(self):
        return 10_000

functions, events = json.loads(sys.argv[1]), json.loads(sys.argv[2])
modules = {}
for name, path in functions.items():
    spec = importlib.util.spec_from_file_location(f"functions_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    modules[name] = module

from aws_xray_sdk.core.patcher import _PATCHED_MODULES
from spooky.auth.passwords import hash_password, verify_password
from spooky.schemas.common import normalize_email

answers = {name: modules[name].handler(event, Context()) for name, event in events.items()}
print(json.dumps({
    "answers": answers,
    "email": normalize_email("  Jane.Doe@Example.COM "),
    "password": verify_password(hash_password("nevermore-1313"), "nevermore-1313").valid,
    "patched": sorted(_PATCHED_MODULES),
    "collector": {"enabled": gc.isenabled(), "frozen": gc.get_freeze_count()},
    "files": sorted({getattr(module, "__file__", None) or "" for module in sys.modules.values()}),
}))
"""


def _runtime_packages(directory: Path) -> Path:
    """boto3 & co. alone on a path entry, as the Lambda runtime provides them (the venv's copies)."""
    directory.mkdir()
    for name in RUNTIME_PACKAGES:
        source = Path(importlib.import_module(name).__file__ or "")
        source = source.parent if source.name == "__init__.py" else source
        (directory / source.name).symlink_to(source)
    return directory


def _build(layer: str, artifacts: Path) -> Path:
    subprocess.run(
        [
            "make",
            "--silent",
            "-f",
            str(ROOT / "layers" / layer / "Makefile"),
            f"build-{layer.capitalize()}Layer",
            f"ARTIFACTS_DIR={artifacts}",
            f"PYTHON={sys.executable}",
            f"PLATFORM={platform.machine()}",
        ],
        check=True,
        capture_output=True,
    )
    return artifacts / "python"


def _event(name: str, **changes: Any) -> dict[str, Any]:
    event: dict[str, Any] = json.loads((ROOT / "events" / f"{name}.json").read_text())
    return {**event, **changes}


@pytest.mark.slow  # pip installs the requirements (~15 s)
def test_the_built_layer_runs_every_function(tmp_path: Path) -> None:
    common = _build("common", tmp_path / "common")
    jobs = _build("jobs", tmp_path / "jobs")
    runtime = _runtime_packages(tmp_path / "runtime")
    assert not (common / "dns").exists()  # deleted: nothing deployed imports it
    # Bytecode for everything, as /opt is read-only in Lambda: the dependencies as bytecode only, spooky
    # with its sources too.
    sources = [path.relative_to(common) for path in common.rglob("*.py")]
    assert {path.parts[0] for path in sources} == {"spooky"}
    assert len(list((common / "spooky").rglob("__pycache__/*.cpython-313.pyc"))) == len(sources)
    sign_up = _event("sign_up_email", body=json.dumps({"name": "W", "email": "no-at-sign", "password": "x"}))
    authorizer = {**_event("session_authorizer"), "headers": {}, "multiValueHeaders": {}}
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": os.pathsep.join(map(str, (common, jobs, runtime))),
        "PYTHONDONTWRITEBYTECODE": "1",  # /opt is read-only in Lambda
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_ACCESS_KEY_ID": "layer-check",
        "AWS_SECRET_ACCESS_KEY": "layer-check",
        # Lambda's own variables: Powertools' Tracer is on where LAMBDA_TASK_ROOT is set.
        "LAMBDA_TASK_ROOT": str(tmp_path),
        "AWS_LAMBDA_FUNCTION_NAME": "LayerCheck",
        "AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001",  # a Lambda init: spooky pauses the collector
        "_X_AMZN_TRACE_ID": "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0",
        "POWERTOOLS_SERVICE_NAME": "spooky-api",
        "POWERTOOLS_METRICS_NAMESPACE": "SpookyMvp",
        "AUTH_SECRET": "layer-check-signing-secret-0123456789-0123456789",
        "TRUSTED_ORIGINS": "http://localhost:3000",
    }
    done = subprocess.run(
        [
            sys.executable,
            "-S",
            "-s",
            "-c",
            LAYER_CHECK,
            json.dumps({name: str(function.module_path) for name, function in functions().items()}),
            json.dumps(
                {
                    "CorsFunction": _event("cors"),
                    "SignUpEmailFunction": sign_up,
                    "SessionAuthorizerFunction": authorizer,
                }
            ),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env=environment,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    answers = result["answers"]
    assert answers["CorsFunction"]["statusCode"] == 204
    assert answers["SignUpEmailFunction"]["statusCode"] == 400
    assert "Email must be valid" in answers["SignUpEmailFunction"]["body"]  # email-validator ran
    assert answers["SessionAuthorizerFunction"]["policyDocument"]["Statement"][0]["Effect"] == "Deny"
    assert result["email"] == "jane.doe@example.com"
    assert result["password"] is True
    assert result["patched"] == ["botocore", "pynamodb"]
    # The collector paused for the init and resumed at the entry point, the init's objects frozen.
    assert result["collector"]["enabled"]
    assert result["collector"]["frozen"] > 10_000
    # Everything came from the built layers, the runtime's packages or the standard library.
    outside = [
        file
        for file in result["files"]
        if file and not file.startswith((str(common), str(jobs), str(runtime), sys.base_prefix))
    ]
    assert outside == [path for path in outside if "/functions/" in path]
    # Powertools' catalogue packages were deferred though the layer ships them as bytecode only
    # (spooky.lazy_packages): no function loaded a resolver or an event class it does not use.
    unused = ("event_handler/appsync.pyc", "data_classes/code_pipeline_job_event.pyc")
    assert not [file for file in result["files"] if file.endswith(unused)]
