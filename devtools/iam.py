"""The DynamoDB permissions template.yaml grants each function, read from its IAM policy statements."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from devtools.template import resources, table_definitions

_INDEX_ARN = re.compile(r"^\$\{(\w+)\.Arn\}/index/([\w*-]+)$")


@dataclass(frozen=True)
class Grant:
    action: str  # e.g. dynamodb:Query
    table: str  # logical id in template.yaml
    index: str | None  # None: the table itself; "*": every index


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _table_resource(resource: Any) -> tuple[str, str | None] | None:
    """(table, index) for a table or index ARN reference, None for anything else (backups, "*")."""
    if isinstance(resource, dict) and "Fn::GetAtt" in resource:
        name, attribute = resource["Fn::GetAtt"]
        return (name, None) if attribute == "Arn" else None
    if isinstance(resource, dict) and isinstance(resource.get("Fn::Sub"), str):
        match = _INDEX_ARN.match(resource["Fn::Sub"])
        return (match.group(1), match.group(2)) if match else None
    return None


def _policies(function: str) -> list[Any]:
    return _listed(resources("AWS::Serverless::Function")[function]["Properties"].get("Policies", []))


def managed_policies(function: str) -> list[str]:
    """Logical ids of the template's AWS::IAM::ManagedPolicy resources a function's role attaches."""
    managed = resources("AWS::IAM::ManagedPolicy")
    return [
        policy["Ref"]
        for policy in _policies(function)
        if isinstance(policy, dict) and policy.get("Ref") in managed
    ]


def policy_statements(function: str) -> list[dict[str, Any]]:
    """Every statement a function's role gets: its inline policies' and its managed policies'."""
    managed = resources("AWS::IAM::ManagedPolicy")
    inline = [policy for policy in _policies(function) if isinstance(policy, dict) and "Statement" in policy]
    documents = list(inline)
    documents += [managed[name]["Properties"]["PolicyDocument"] for name in managed_policies(function)]
    return [statement for document in documents for statement in _listed(document["Statement"])]


def policy_templates(function: str) -> list[str]:
    """Names of the SAM policy templates a function uses (e.g. SESCrudPolicy)."""
    return [
        name
        for policy in _policies(function)
        if isinstance(policy, dict) and "Ref" not in policy
        for name in policy
        if name != "Statement" and name != "Version"
    ]


def ssm_parameters(function: str) -> list[Any]:
    """The SSM parameter ARNs (as written: Fn::Sub) a function may read with GetParameter."""
    return [
        resource
        for statement in policy_statements(function)
        if "ssm:GetParameter" in _listed(statement["Action"])
        for resource in _listed(statement["Resource"])
    ]


def dynamodb_grants(function: str) -> set[Grant]:
    tables = set(table_definitions())
    grants: set[Grant] = set()
    for statement in policy_statements(function):
        if statement.get("Effect") != "Allow":
            continue
        actions = [action for action in _listed(statement["Action"]) if action.startswith("dynamodb:")]
        for resource in _listed(statement["Resource"]):
            target = _table_resource(resource)
            if target is not None and target[0] in tables:
                grants.update(Grant(action, target[0], target[1]) for action in actions)
    return grants


def allows(grants: set[Grant], action: str, table: str, index: str | None) -> bool:
    return any(
        grant.action == action and grant.table == table and grant.index in {index, "*" if index else None}
        for grant in grants
    )


def logical_table(table_name: str) -> str | None:
    """The template table a physical name belongs to (tests prefix names: ``t<id>-AppTable``)."""
    for logical_id in table_definitions():
        if table_name == logical_id or table_name.endswith(f"-{logical_id}"):
            return logical_id
    return None
