"""The shared layer ships its requirements minus what the python3.13 Lambda runtime provides.

One boto3 + botocore pair in Lambda, the runtime's: the layer's Makefile deletes botocore & co. that
PynamoDB and aws-xray-sdk pull in, so the layer's dependencies must accept the runtime's versions.
"""

from __future__ import annotations

import re
from importlib.metadata import requires

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from bench.cold_start import RUNTIME_PACKAGES
from devtools.template import ROOT, resources

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
