"""Every function's IAM policy in template.yaml grants only the tables, indexes and actions it uses.

What each function really uses is checked against these policies by the integration suite (every
DynamoDB request a handler makes there must be allowed: tests/integration/conftest.py); this file
checks the shape of the policies themselves.
"""

from __future__ import annotations

import pytest

from devtools.iam import dynamodb_grants, policy_statements, policy_templates
from devtools.template import functions

ALL = sorted(functions())
ROUTED = sorted(name for name, function in functions().items() if function.routes)
WRITES = {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}
# Actions that take no resource: ListTables, ListBackups, DescribeParameters (SAM's SSM read policy).
UNSCOPED_ACTIONS = {"dynamodb:ListTables", "dynamodb:ListBackups", "ssm:DescribeParameters"}


@pytest.mark.parametrize("function", ALL)
def test_dynamodb_access_is_spelled_out_not_templated(function: str) -> None:
    assert not [name for name in policy_templates(function) if name.startswith("DynamoDB")]


@pytest.mark.parametrize("function", ALL)
def test_no_wildcard_actions_or_resources(function: str) -> None:
    for statement in policy_statements(function):
        actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        resources = (
            statement["Resource"] if isinstance(statement["Resource"], list) else [statement["Resource"]]
        )
        assert not any(action.endswith(":*") or action == "*" for action in actions), statement
        if "*" in resources:
            assert set(actions) <= UNSCOPED_ACTIONS, statement


@pytest.mark.parametrize("function", ROUTED)
def test_request_paths_never_scan_or_manage_tables(function: str) -> None:
    actions = {grant.action for grant in dynamodb_grants(function)}

    assert "dynamodb:Scan" not in actions
    assert not {action for action in actions if "Table" in action or "Backup" in action}


@pytest.mark.parametrize(
    "function",
    ["GetUserFunction", "ListUserPostsFunction", "ListPostsFunction", "GetPostFunction", "HealthFunction"],
)
def test_public_reads_are_read_only(function: str) -> None:
    assert not {grant.action for grant in dynamodb_grants(function)} & WRITES


def test_the_authorizer_only_reads_sessions_and_users() -> None:
    grants = dynamodb_grants("SessionAuthorizerFunction")

    assert {(grant.action, grant.table, grant.index) for grant in grants} == {
        ("dynamodb:BatchGetItem", "AuthTable", None),
        ("dynamodb:BatchGetItem", "AppTable", None),
    }


def test_only_the_audit_stream_writes_the_audit_log_and_only_appends() -> None:
    writers = {
        name: {grant.action for grant in dynamodb_grants(name) if grant.table == "AuditTable"} & WRITES
        for name in ALL
    }

    assert {name: actions for name, actions in writers.items() if actions} == {
        "AuditStreamFunction": {"dynamodb:PutItem"}
    }
