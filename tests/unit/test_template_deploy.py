"""template.yaml survives its first deploys: re-creation after a rollback, SES grants, access logs."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from devtools.template import load_template, resources

STACK_ID = "arn:aws:cloudformation:us-east-1:123456789012:stack/{name}/{uuid}"
# $context variables that carry neither the query string (verify-email's ?token=...) nor a credential.
SAFE_ACCESS_LOG_FIELDS = {
    "requestId",
    "requestTime",
    "identity.sourceIp",
    "identity.userAgent",
    "httpMethod",
    "resourcePath",
    "status",
    "responseLength",
    "responseLatency",
    "integrationLatency",
    "authorizer.status",
    "authorizer.userId",
    "error.responseType",
}


def _resolve(node: Any, pseudo: dict[str, str], local: dict[str, Any]) -> Any:
    """Just enough of CloudFormation's intrinsics for names: Ref, Fn::Select, Fn::Split, Fn::Sub."""
    if not isinstance(node, dict):
        return node
    ((function, argument),) = node.items()
    if function == "Ref":
        return pseudo[argument]
    if function == "Fn::Select":
        return _resolve(argument[1], pseudo, local)[int(argument[0])]
    if function == "Fn::Split":
        return str(_resolve(argument[1], pseudo, local)).split(argument[0])
    if function == "Fn::Sub":
        text, variables = (argument, {}) if isinstance(argument, str) else argument
        values = {**pseudo, **{name: _resolve(value, pseudo, variables) for name, value in variables.items()}}
        return re.sub(r"\$\{([^}]+)\}", lambda match: str(values[match.group(1)]), text)
    raise NotImplementedError(function)


def vault_name(stack_name: str, stack_uuid: str) -> str:
    name = resources("AWS::Backup::BackupVault")["BackupVault"]["Properties"]["BackupVaultName"]
    pseudo = {"AWS::StackName": stack_name, "AWS::StackId": STACK_ID.format(name=stack_name, uuid=stack_uuid)}
    return str(_resolve(name, pseudo, {}))


def test_a_stack_recreated_under_the_same_name_gets_a_new_backup_vault() -> None:
    # The retained vault of a rolled-back (or deleted) stack keeps its name: the next one must not reuse it.
    first = vault_name("spooky-mvp-prod", "4a1c2f70-5b1e-11ef-8f3a-0a1b2c3d4e5f")
    second = vault_name("spooky-mvp-prod", "9d8e7f60-6c2d-11ef-a1b2-0f1e2d3c4b5a")

    assert first != second
    assert resources("AWS::Backup::BackupVault")["BackupVault"]["DeletionPolicy"] == "Retain"


@pytest.mark.parametrize("stack_name", ["spooky-mvp-dev", "spooky-mvp-prod"])
def test_the_vault_name_fits_aws_backups_limits(stack_name: str) -> None:
    name = vault_name(stack_name, "4a1c2f70-5b1e-11ef-8f3a-0a1b2c3d4e5f")
    assert re.fullmatch(r"[A-Za-z0-9_-]{2,50}", name), name


def test_no_named_resource_is_retained_under_a_fixed_name() -> None:
    # A retained resource with a name that does not change per stack blocks the next creation.
    for name, resource in load_template()["Resources"].items():
        if resource.get("DeletionPolicy") != "Retain":
            continue
        for key, value in resource.get("Properties", {}).items():
            if key.endswith("Name") and key != "BackupVaultName":
                pytest.fail(f"{name}.{key} = {value}")


def policies() -> dict[str, list[Any]]:
    return {
        name: function["Properties"].get("Policies", [])
        for name, function in resources("AWS::Serverless::Function").items()
    }


def email_senders() -> list[str]:
    return sorted(name for name, listed in policies().items() if {"Ref": "EmailSenderPolicy"} in listed)


def test_the_email_functions_send_from_the_configured_address_only() -> None:
    (statement,) = resources("AWS::IAM::ManagedPolicy")["EmailSenderPolicy"]["Properties"]["PolicyDocument"][
        "Statement"
    ]
    # SES authorises against the sender's address or domain identity and, in the sandbox, the
    # recipient's: every identity of the account, limited by the From address.
    assert statement["Action"] == "ses:SendEmail"
    assert statement["Resource"]["Fn::Sub"].endswith(":identity/*")
    assert statement["Condition"] == {"StringEquals": {"ses:FromAddress": {"Ref": "EmailSenderIdentity"}}}
    assert email_senders() == [
        "RequestPasswordResetFunction",
        "SendVerificationEmailFunction",
        "SignUpEmailFunction",
    ]


def test_no_function_grants_ses_on_one_identity_only() -> None:
    for name, listed in policies().items():
        assert "identity/${EmailSenderIdentity}" not in str(listed), name


def test_api_access_logs_carry_no_query_string_or_credentials() -> None:
    api = resources("AWS::Serverless::Api")["Api"]["Properties"]
    log_format = api["AccessLogSetting"]["Format"]

    fields = set(re.findall(r"\$context\.([\w.]+)", log_format))

    assert fields <= SAFE_ACCESS_LOG_FIELDS, fields - SAFE_ACCESS_LOG_FIELDS
    assert "resourcePath" in fields  # /api/auth/verify-email, never /api/auth/verify-email?token=...
    assert "$input" not in log_format
    assert "$method" not in log_format


def test_a_denied_request_is_better_auths_401() -> None:
    # The session authorizer refuses with a Deny policy; API Gateway answers that with ACCESS_DENIED.
    responses = resources("AWS::Serverless::Api")["Api"]["Properties"]["GatewayResponses"]
    denied, unauthorized = responses["ACCESS_DENIED"], responses["UNAUTHORIZED"]

    assert denied["StatusCode"] == unauthorized["StatusCode"] == 401
    assert denied["ResponseTemplates"] == {
        "application/json": '{"code": "UNAUTHORIZED", "message": "Unauthorized"}'
    }


def test_access_denied_can_only_come_from_the_authorizer() -> None:
    # Mapping ACCESS_DENIED to 401 is right only while no resource policy, IAM authorisation, API key
    # or WAF can deny a request too: each of those would also answer ACCESS_DENIED (or 403).
    template = json.dumps(load_template())
    for word in ("ResourcePolicy", "AWS_IAM", "ApiKeyRequired", "UsagePlan", "WAFv2", "AWS::WAF"):
        assert word not in template, word
    api = resources("AWS::Serverless::Api")["Api"]["Properties"]
    assert "Policy" not in api
    assert set(api["Auth"]["Authorizers"]) == {"SessionAuthorizer"}
