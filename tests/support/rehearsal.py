"""A deploy rehearsal: template.yaml as `sam deploy` would send it, for one samconfig.toml environment.

SAM's own translator (samtranslator, as in `sam deploy`) turns the template into plain CloudFormation with
the environment's parameter_overrides; the Rules are evaluated as CloudFormation evaluates them before a
change set; then the stack is created in moto's CloudFormation and deleted again.

moto has no CloudFormation model for some resource types. Those resources become STAND_IN_TYPE (a
resource that does nothing) and what refers to them gets the literal ``stand-in:<LogicalId>[.<Attr>]``;
every reference is still checked against the real translated template first (``unresolved_references``).
"""

from __future__ import annotations

import copy
import io
import json
import re
import shlex
import tomllib
import zipfile
from collections.abc import Iterator
from typing import Any

import boto3
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator

from devtools.template import ROOT, load_template

SAMCONFIG = ROOT / "samconfig.toml"
ARTIFACT_BUCKET = "rehearsal-artifacts"
STAND_IN_TYPE = "AWS::CloudFormation::WaitConditionHandle"
# Resource types moto's CloudFormation cannot create (moto 5.2): replaced by STAND_IN_TYPE. (A Deployment
# is supported, but moto ignores the RestApi's OpenAPI Body and refuses to deploy an API without methods.)
UNSUPPORTED_BY_MOTO = frozenset(
    {
        "AWS::ApiGateway::Account",
        "AWS::ApiGateway::Deployment",
        "AWS::ApiGateway::Stage",
        "AWS::Backup::BackupPlan",
        "AWS::Backup::BackupSelection",
        "AWS::Backup::BackupVault",
        "AWS::CloudWatch::Alarm",
        "AWS::SNS::Subscription",
    }
)
PSEUDO_PARAMETERS = frozenset(
    {
        "AWS::AccountId",
        "AWS::NotificationARNs",
        "AWS::NoValue",
        "AWS::Partition",
        "AWS::Region",
        "AWS::StackId",
        "AWS::StackName",
        "AWS::URLSuffix",
    }
)
_SUB_VARIABLE = re.compile(r"\$\{([^!}][^}]*)\}")


# ---------------------------------------------------------------- samconfig.toml


def samconfig() -> dict[str, Any]:
    with SAMCONFIG.open("rb") as handle:
        return tomllib.load(handle)


def environments() -> list[str]:
    """The environments `sam deploy --config-env <name>` can use."""
    return sorted(name for name, tables in samconfig().items() if name != "version" and "deploy" in tables)


def deploy_settings(environment: str) -> dict[str, Any]:
    """What `sam deploy --config-env <environment>` reads: its global and deploy tables, nothing else."""
    tables = samconfig()[environment]
    return {**tables.get("global", {}).get("parameters", {}), **tables["deploy"]["parameters"]}


def parameter_overrides(environment: str, **replacements: str) -> dict[str, str]:
    raw = deploy_settings(environment).get("parameter_overrides", "")
    pairs = raw if isinstance(raw, list) else shlex.split(raw)
    values = dict(pair.split("=", 1) for pair in pairs)
    return {**values, **replacements}


# ---------------------------------------------------------------- translation


def translate(parameters: dict[str, str], region: str) -> dict[str, Any]:
    """template.yaml as CloudFormation receives it after `sam package` and SAM's transform."""
    template = copy.deepcopy(load_template())
    # load_template() ran AWS::LanguageExtensions (Fn::ForEach), as CloudFormation does first.
    template["Transform"] = "AWS::Serverless-2016-10-31"
    for logical_id, resource in template["Resources"].items():
        properties = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if key in properties:  # what `sam package` uploads and writes back
                properties[key] = f"s3://{ARTIFACT_BUCKET}/{logical_id}.zip"
    translator = Translator(None, Parser(), boto_session=boto3.Session(region_name=region))
    translated: dict[str, Any] = translator.translate(
        template, parameter_values=dict(parameters), get_managed_policy_map=dict
    )
    return translated


def parameter_values(template: dict[str, Any], overrides: dict[str, str]) -> dict[str, str]:
    defaults = {name: str(spec.get("Default", "")) for name, spec in template["Parameters"].items()}
    return {**defaults, **overrides}


# ---------------------------------------------------------------- Rules


def _evaluate(expression: Any, values: dict[str, str]) -> Any:
    """The rule functions this template uses, as CloudFormation defines them."""
    if isinstance(expression, list):
        return [_evaluate(item, values) for item in expression]
    if not isinstance(expression, dict):
        return expression
    ((function, argument),) = expression.items()
    if function == "Ref":
        return values[argument]
    arguments = _evaluate(argument, values)
    match function:
        case "Fn::Equals":
            return arguments[0] == arguments[1]
        case "Fn::Not":
            return not arguments[0]
        case "Fn::And":
            return all(arguments)
        case "Fn::Or":
            return any(arguments)
        case "Fn::Contains":
            return arguments[1] in arguments[0]
    raise NotImplementedError(f"rule function {function}")


def refused_by_rules(template: dict[str, Any], values: dict[str, str]) -> list[str]:
    """AssertDescriptions of the failing assertions: CloudFormation refuses the change set if any."""
    refused = []
    for rule in template.get("Rules", {}).values():
        if "RuleCondition" in rule and not _evaluate(rule["RuleCondition"], values):
            continue
        refused.extend(
            assertion["AssertDescription"]
            for assertion in rule["Assertions"]
            if not _evaluate(assertion["Assert"], values)
        )
    return refused


# ---------------------------------------------------------------- references


def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def _sub_names(argument: Any) -> set[str]:
    text, local = (argument, {}) if isinstance(argument, str) else (argument[0], argument[1])
    return {name.split(".")[0] for name in _SUB_VARIABLE.findall(text)} - set(local)


def references(node: Any) -> set[str]:
    """Every logical id or parameter a Ref, Fn::GetAtt or Fn::Sub in ``node`` names."""
    names: set[str] = set()
    for mapping in _walk(node):
        if isinstance(mapping.get("Ref"), str):
            names.add(mapping["Ref"])
        if "Fn::GetAtt" in mapping:
            target = mapping["Fn::GetAtt"]
            names.add(target.split(".")[0] if isinstance(target, str) else target[0])
        if "Fn::Sub" in mapping:
            names |= _sub_names(mapping["Fn::Sub"])
    return names


def unresolved_references(template: dict[str, Any]) -> set[str]:
    known = set(template["Resources"]) | set(template.get("Parameters", {})) | PSEUDO_PARAMETERS
    sections = [template["Resources"], template.get("Outputs", {}), template.get("Rules", {})]
    depends = {
        name
        for resource in template["Resources"].values()
        for name in ([resource["DependsOn"]] if isinstance(resource.get("DependsOn"), str) else [])
        + (resource.get("DependsOn") if isinstance(resource.get("DependsOn"), list) else [])
    }
    return (references(sections) | depends) - known


# ---------------------------------------------------------------- moto


def _replace_references(node: Any, stand_ins: set[str]) -> Any:
    if isinstance(node, list):
        return [_replace_references(item, stand_ins) for item in node]
    if not isinstance(node, dict):
        return node
    if node.get("Ref") in stand_ins:
        return f"stand-in:{node['Ref']}"
    target = node.get("Fn::GetAtt")
    if isinstance(target, list) and target[0] in stand_ins:
        return f"stand-in:{'.'.join(target)}"
    if "Fn::Sub" in node:
        argument = node["Fn::Sub"]
        text, local = (argument, None) if isinstance(argument, str) else argument
        for name in _SUB_VARIABLE.findall(text):
            if name.split(".")[0] in stand_ins:
                text = text.replace(f"${{{name}}}", f"stand-in:{name}")
        replaced = text if local is None else [text, _replace_references(local, stand_ins)]
        return {"Fn::Sub": replaced}
    return {key: _replace_references(value, stand_ins) for key, value in node.items()}


def with_stand_ins(template: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The template moto can create, and the resources replaced (logical id -> real type)."""
    result = copy.deepcopy(template)
    stand_ins = {
        name: resource["Type"]
        for name, resource in result["Resources"].items()
        if resource["Type"] in UNSUPPORTED_BY_MOTO
    }
    for name in stand_ins:
        result["Resources"][name] = {"Type": STAND_IN_TYPE}
    for section in ("Resources", "Outputs"):
        result[section] = _replace_references(result.get(section, {}), set(stand_ins))
    for resource in result["Resources"].values():
        if resource["Type"] == "AWS::ApiGateway::RestApi":
            # moto needs Name; API Gateway takes it from the OpenAPI body's title, as SAM writes it.
            resource["Properties"].setdefault("Name", resource["Properties"]["Body"]["info"]["title"])
    return result, stand_ins


def upload_artifacts(template: dict[str, Any], region: str) -> None:
    """What `sam package` would have put in the artifact bucket: a zip per function and layer."""
    s3 = boto3.client("s3", region_name=region)
    create: dict[str, Any] = {}
    if region != "us-east-1":
        create["CreateBucketConfiguration"] = {"LocationConstraint": region}
    s3.create_bucket(Bucket=ARTIFACT_BUCKET, **create)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.writestr("app.py", "def handler(event, context):\n    return None\n")
    for resource in template["Resources"].values():
        location = resource.get("Properties", {}).get("Code") or resource.get("Properties", {}).get("Content")
        if isinstance(location, dict) and location.get("S3Bucket") == ARTIFACT_BUCKET:
            s3.put_object(Bucket=ARTIFACT_BUCKET, Key=location["S3Key"], Body=archive.getvalue())


def template_body(template: dict[str, Any]) -> str:
    return json.dumps(template)
