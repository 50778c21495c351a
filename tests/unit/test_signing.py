"""Deployed, the signing secret comes from SSM Parameter Store (SecureString), cached by Powertools."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters
from moto import mock_aws

from spooky.settings import get_settings
from spooky.signing import signing_secret

PARAMETER = "/spooky/test/auth-secret"


@pytest.fixture
def deployed(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    monkeypatch.delenv("AUTH_SECRET", raising=False)
    monkeypatch.setenv("AUTH_SECRET_PARAMETER", PARAMETER)
    get_settings.cache_clear()
    parameters.clear_caches()
    with mock_aws():
        ssm = boto3.client("ssm", region_name="us-east-1")
        ssm.put_parameter(Name=PARAMETER, Value="from-ssm-secret", Type="SecureString")
        yield ssm
    parameters.clear_caches()


def test_secret_is_read_from_the_secure_parameter(deployed: object) -> None:
    assert signing_secret() == b"from-ssm-secret"


def test_secret_is_cached_between_invocations(deployed: object) -> None:
    signing_secret()
    deployed.put_parameter(Name=PARAMETER, Value="rotated", Type="SecureString", Overwrite=True)  # type: ignore[attr-defined]

    assert signing_secret() == b"from-ssm-secret"


def test_no_secret_configured_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUTH_SECRET", raising=False)
    monkeypatch.delenv("AUTH_SECRET_PARAMETER", raising=False)
    get_settings.cache_clear()

    with pytest.raises(RuntimeError, match="AUTH_SECRET"):
        signing_secret()
