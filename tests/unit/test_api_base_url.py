"""This API's own URL (links back to verify-email) comes from configuration: SSM when deployed."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters
from moto import mock_aws

from devtools.iam import ssm_parameters
from devtools.template import resources
from spooky.settings import api_base_url, get_settings

PARAMETER = "/spooky-test/api-base-url"
STAGE_URL = "https://abc123.execute-api.us-east-1.amazonaws.com/dev"


@pytest.fixture
def deployed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("API_BASE_URL_PARAMETER", PARAMETER)
    get_settings.cache_clear()
    parameters.clear_caches()
    with mock_aws():
        boto3.client("ssm", region_name="us-east-1").put_parameter(
            Name=PARAMETER, Value=STAGE_URL, Type="String"
        )
        yield
    parameters.clear_caches()


def test_locally_the_url_is_the_environments(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("API_BASE_URL", "http://127.0.0.1:3001/")
    get_settings.cache_clear()

    assert api_base_url() == "http://127.0.0.1:3001"


def test_deployed_the_url_is_the_stacks_parameter(deployed: None) -> None:
    assert api_base_url() == STAGE_URL


def test_the_template_publishes_the_stage_url_to_the_functions_that_link_to_the_api() -> None:
    parameter = resources("AWS::SSM::Parameter")["ApiBaseUrlParameter"]["Properties"]
    functions = resources("AWS::Serverless::Function")
    readers = {
        name
        for name, function in functions.items()
        if "API_BASE_URL_PARAMETER" in function["Properties"].get("Environment", {}).get("Variables", {})
    }

    assert parameter["Value"] == {
        "Fn::Sub": "https://${Api}.execute-api.${AWS::Region}.amazonaws.com/${Stage}"
    }
    assert readers == {"SignUpEmailFunction", "SendVerificationEmailFunction"}
    for name in readers:
        properties = functions[name]["Properties"]
        assert properties["Environment"]["Variables"]["API_BASE_URL_PARAMETER"] == parameter["Name"]
        arn = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter"
        assert {"Fn::Sub": arn + parameter["Name"]["Fn::Sub"]} in ssm_parameters(name)
