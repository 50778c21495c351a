"""Deploy rehearsal in CI: each samconfig.toml environment, translated by SAM, checked, created and deleted.

What the first real `sam deploy` would trip over, found without an AWS account: an environment without
a region, a !Ref or !GetAtt to nothing, a stray API stage, a prod deploy on development placeholders,
a resource CloudFormation cannot create (as far as moto knows; see rehearsal.UNSUPPORTED_BY_MOTO).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from tests.support import rehearsal

ENVIRONMENTS = rehearsal.environments()
# What an operator passes for prod (samconfig.toml says CHANGE-ME: the real values are theirs).
PROD_VALUES = {
    "TrustedOrigins": "https://app.spooky.example.org",
    "PublicBaseUrl": "https://app.spooky.example.org",
    "EmailSenderIdentity": "no-reply@spooky.example.org",
    "AlarmEmail": "oncall@spooky.example.org",
}
PLACEHOLDERS = {"TrustedOrigins", "PublicBaseUrl", "EmailSenderIdentity", "AlarmEmail"}


def deployable_overrides(environment: str) -> dict[str, str]:
    """The environment's parameter_overrides, with the operator's values where samconfig has CHANGE-ME."""
    overrides = rehearsal.parameter_overrides(environment)
    return {name: PROD_VALUES[name] if value == "CHANGE-ME" else value for name, value in overrides.items()}


def region(environment: str) -> str:
    return str(rehearsal.deploy_settings(environment)["region"])


@pytest.fixture(scope="module", params=ENVIRONMENTS)
def environment(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def translated(environment: str) -> dict[str, Any]:
    return rehearsal.translate(deployable_overrides(environment), region(environment))


def test_there_are_dev_and_prod_environments() -> None:
    assert ENVIRONMENTS == ["dev", "prod"]


def test_every_environment_names_its_region(environment: str) -> None:
    # `sam deploy --config-env <env>` reads [<env>.*] only: [default.global.parameters] never applies.
    assert rehearsal.deploy_settings(environment).get("region"), f"[{environment}.global.parameters] region"


def test_every_environment_lets_cloudformation_expand_the_language_extensions(environment: str) -> None:
    # template.yaml's Transform starts with AWS::LanguageExtensions (Fn::ForEach): CloudFormation runs it
    # only with CAPABILITY_AUTO_EXPAND, and SAM CLI expands it locally with language_extensions.
    settings = rehearsal.deploy_settings(environment)
    assert "CAPABILITY_AUTO_EXPAND" in settings["capabilities"].split()
    assert settings["language_extensions"] is True


def test_every_reference_resolves(translated: dict[str, Any]) -> None:
    assert rehearsal.unresolved_references(translated) == set()


def test_only_the_intended_api_stage_exists(environment: str, translated: dict[str, Any]) -> None:
    resources = translated["Resources"].values()
    stages = [
        resource["Properties"].get("StageName")
        for resource in resources
        if resource["Type"] in {"AWS::ApiGateway::Stage", "AWS::ApiGateway::Deployment"}
    ]
    # A Deployment's StageName creates a stage too (SAM's "Stage" stage without OpenApiVersion).
    assert [stage for stage in stages if stage is not None] == [{"Ref": "Stage"}]
    assert deployable_overrides(environment)["Stage"] == environment


def test_dev_deploys_on_its_placeholders(translated: dict[str, Any]) -> None:
    values = rehearsal.parameter_values(translated, rehearsal.parameter_overrides("dev"))
    assert rehearsal.refused_by_rules(translated, values) == []


def test_prod_refuses_to_deploy_on_samconfigs_change_me_values() -> None:
    template = rehearsal.translate(deployable_overrides("prod"), region("prod"))
    overrides = rehearsal.parameter_overrides("prod")
    assert {name for name, value in overrides.items() if value == "CHANGE-ME"} == PLACEHOLDERS

    refused = rehearsal.refused_by_rules(template, rehearsal.parameter_values(template, overrides))

    assert len(refused) == len(PLACEHOLDERS)


@pytest.mark.parametrize("placeholder", sorted(PLACEHOLDERS))
def test_prod_refuses_each_development_default(placeholder: str) -> None:
    template = rehearsal.translate(deployable_overrides("prod"), region("prod"))
    values = rehearsal.parameter_values(template, deployable_overrides("prod"))
    assert rehearsal.refused_by_rules(template, values) == []

    values[placeholder] = str(template["Parameters"][placeholder].get("Default", ""))

    (refused,) = rehearsal.refused_by_rules(template, values)
    assert placeholder in refused


@pytest.fixture
def aws(environment: str) -> Iterator[None]:
    with mock_aws():
        yield


# moto warns that it creates nothing for the stand-ins: that is what they are for.
@pytest.mark.filterwarnings("ignore:Tried to parse AWS")
def test_the_stack_creates_and_deletes(environment: str, translated: dict[str, Any], aws: None) -> None:
    template, stand_ins = rehearsal.with_stand_ins(translated)
    rehearsal.upload_artifacts(template, region(environment))
    cloudformation = boto3.client("cloudformation", region_name=region(environment))
    stack_name = rehearsal.deploy_settings(environment)["stack_name"]
    parameters = rehearsal.parameter_values(translated, deployable_overrides(environment))

    cloudformation.create_stack(
        StackName=stack_name,
        TemplateBody=rehearsal.template_body(template),
        Parameters=[{"ParameterKey": key, "ParameterValue": value} for key, value in parameters.items()],
        Capabilities=rehearsal.deploy_settings(environment)["capabilities"].split(),
    )

    (stack,) = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
    created = cloudformation.list_stack_resources(StackName=stack_name)["StackResourceSummaries"]
    conditional = {name for name, resource in translated["Resources"].items() if "Condition" in resource}
    expected = set(translated["Resources"]) - conditional - set(stand_ins)
    assert {summary["LogicalResourceId"] for summary in created} >= expected
    outputs = {output["OutputKey"]: output["OutputValue"] for output in stack["Outputs"]}
    # Neither environment sets a custom domain, so the domain's outputs are (rightly) absent.
    unconditional = {name for name, output in translated["Outputs"].items() if "Condition" not in output}
    assert set(outputs) == unconditional
    assert all(value and "{" not in value for value in outputs.values()), outputs

    cloudformation.delete_stack(StackName=stack_name)
    (deleted,) = cloudformation.describe_stacks(StackName=stack["StackId"])["Stacks"]
    assert deleted["StackStatus"] == "DELETE_COMPLETE"
