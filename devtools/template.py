"""template.yaml as data: tables, functions, routes and environment, read by every local tool.

Nothing here repeats a table, key schema or route by hand; when the template changes, the local
database, the local API and the route-driven tests follow.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from samcli.lib.cfn_language_extensions.api import create_default_intrinsic_resolver
from samcli.lib.cfn_language_extensions.models import ResolutionMode, TemplateProcessingContext
from samcli.lib.cfn_language_extensions.pipeline import ProcessingPipeline
from samcli.lib.cfn_language_extensions.processors import ForEachProcessor, TemplateParsingProcessor

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE_PATH = ROOT / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    """YAML loader that turns CloudFormation short tags (!Ref, !Sub, ...) into their long form."""


def _construct_intrinsic(loader: _CfnLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if tag_suffix == "Ref" else f"Fn::{tag_suffix}"
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if tag_suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_CfnLoader.add_multi_constructor("!", _construct_intrinsic)  # type: ignore[no-untyped-call]


def load_source(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    """template.yaml as written: Fn::ForEach loops and all."""
    with path.open() as handle:
        data: dict[str, Any] = yaml.load(handle, Loader=_CfnLoader)  # noqa: S506 - SafeLoader subclass
    return data


def expand(template: dict[str, Any]) -> dict[str, Any]:
    """``template`` with its AWS::LanguageExtensions loops expanded, as CloudFormation does before SAM's
    transform: SAM CLI's own expander (samcli.lib.cfn_language_extensions, what `sam build` runs), with
    only its Fn::ForEach step. Every other intrinsic (Ref to parameters, Fn::If, Fn::Sub) is left as
    written, for the tools to resolve with their own values; Fn::FindInMap on a literal key is looked up."""
    context = TemplateProcessingContext(
        fragment=copy.deepcopy(template), resolution_mode=ResolutionMode.PARTIAL
    )
    resolver = create_default_intrinsic_resolver(context)
    pipeline = ProcessingPipeline([TemplateParsingProcessor(), ForEachProcessor(intrinsic_resolver=resolver)])
    expanded: dict[str, Any] = pipeline.process_template(context)
    mappings = expanded.get("Mappings", {})
    return {
        section: _find_in_map(value, mappings) if section in ("Resources", "Outputs") else value
        for section, value in expanded.items()
    }


def _find_in_map(node: Any, mappings: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_find_in_map(item, mappings) for item in node]
    if not isinstance(node, dict):
        return node
    lookup = node.get("Fn::FindInMap")
    if len(node) == 1 and isinstance(lookup, list) and all(isinstance(key, str) for key in lookup):
        name, top, second = lookup
        return mappings[name][top][second]
    return {key: _find_in_map(value, mappings) for key, value in node.items()}


@lru_cache(maxsize=1)
def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    """template.yaml as CloudFormation hands it to SAM's transform: loops expanded (``expand``)."""
    return expand(load_source(path))


def resources(of_type: str) -> dict[str, dict[str, Any]]:
    return {
        name: resource
        for name, resource in load_template()["Resources"].items()
        if resource["Type"] == of_type
    }


@dataclass(frozen=True)
class Route:
    function: str
    method: str
    path: str
    authorized: bool


@dataclass(frozen=True)
class Function:
    logical_id: str
    code_uri: Path
    handler: str
    environment: dict[str, Any]
    routes: tuple[Route, ...]
    events: dict[str, Any]
    layers: tuple[str, ...] = ()  # logical ids of its AWS::Serverless::LayerVersion layers, Globals' first

    @property
    def folder(self) -> str:
        """functions/<folder>: the logical id without "Function", in snake_case (``folder_of``)."""
        return self.code_uri.name

    @property
    def module_path(self) -> Path:
        module, _ = self.handler.rsplit(".", 1)
        return self.code_uri / f"{module.replace('.', '/')}.py"

    @property
    def handler_name(self) -> str:
        return self.handler.rsplit(".", 1)[1]


def _globals() -> dict[str, Any]:
    function_globals: dict[str, Any] = load_template().get("Globals", {}).get("Function", {})
    return function_globals


def _default_authorizer() -> str | None:
    for api in resources("AWS::Serverless::Api").values():
        authorizer: str | None = api["Properties"].get("Auth", {}).get("DefaultAuthorizer")
        return authorizer
    return None


def _api_events(events: dict[str, Any]) -> list[dict[str, Any]]:
    return [event["Properties"] for event in events.values() if event["Type"] == "Api"]


def _is_endpoint(event: dict[str, Any]) -> bool:
    """An API endpoint, not CORS plumbing (CorsFunction's preflights and its catch-all for unknown paths)."""
    return event["Method"].upper() != "OPTIONS" and "{proxy+}" not in event["Path"]


def folder_of(logical_id: str) -> str:
    """The naming rule of functions/: SignUpEmailFunction -> sign_up_email (events/sign_up_email.json)."""
    stem = logical_id.removesuffix("Function")
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", stem).lower()


def function_named(name: str) -> str:
    """The logical id of a function given by its logical id or its folder name (sign_up_email)."""
    for logical_id in functions():
        if name in (logical_id, folder_of(logical_id)):
            return logical_id
    raise KeyError(name)


def layers() -> dict[str, Path]:
    """Every layer of the template: logical id -> its source directory (ContentUri)."""
    return {
        name: ROOT / resource["Properties"]["ContentUri"]
        for name, resource in resources("AWS::Serverless::LayerVersion").items()
    }


def _layer_ids(references: list[Any]) -> tuple[str, ...]:
    return tuple(item["Ref"] for item in references if isinstance(item, dict) and "Ref" in item)


def functions() -> dict[str, Function]:
    defaults = _globals()
    default_env = defaults.get("Environment", {}).get("Variables", {})
    default_authorizer = _default_authorizer()
    found: dict[str, Function] = {}
    for logical_id, resource in resources("AWS::Serverless::Function").items():
        props = resource["Properties"]
        events = props.get("Events", {})
        routes = tuple(
            Route(
                function=logical_id,
                method=event["Method"].upper(),
                path=event["Path"],
                authorized=event.get("Auth", {}).get("Authorizer", default_authorizer) not in (None, "NONE"),
            )
            for event in _api_events(events)
            if _is_endpoint(event)
        )
        found[logical_id] = Function(
            logical_id=logical_id,
            code_uri=ROOT / props.get("CodeUri", defaults.get("CodeUri", "")),
            handler=props.get("Handler", defaults.get("Handler", "app.handler")),
            environment={**default_env, **props.get("Environment", {}).get("Variables", {})},
            routes=routes,
            events=events,
            # SAM appends a function's Layers to those of Globals.
            layers=_layer_ids(defaults.get("Layers", []) + props.get("Layers", [])),
        )
    return found


def routes() -> list[Route]:
    return [route for function in functions().values() for route in function.routes]


def preflight_paths() -> set[str]:
    """Paths whose OPTIONS (CORS preflight) template.yaml routes to a function."""
    return {
        event["Path"]
        for resource in resources("AWS::Serverless::Function").values()
        for event in _api_events(resource["Properties"].get("Events", {}))
        if event["Method"].upper() == "OPTIONS"
    }


def authorizer_function() -> str | None:
    """Logical id of the function behind the API's default Lambda authorizer."""
    for api in resources("AWS::Serverless::Api").values():
        for authorizer in api["Properties"].get("Auth", {}).get("Authorizers", {}).values():
            arn = authorizer.get("FunctionArn", {})
            if "Fn::GetAtt" in arn:
                logical_id: str = arn["Fn::GetAtt"][0]
                return logical_id
    return None


def table_definitions() -> dict[str, dict[str, Any]]:
    """CreateTable-shaped definitions of every DynamoDB table, keyed by logical id."""
    return {name: resource["Properties"] for name, resource in resources("AWS::DynamoDB::Table").items()}


def resolve_environment(environment: dict[str, Any], refs: dict[str, str]) -> dict[str, str]:
    """Turn a function's template environment into plain strings, resolving !Ref with ``refs``."""
    resolved: dict[str, str] = {}
    for key, value in environment.items():
        if isinstance(value, dict) and "Ref" in value:
            ref = value["Ref"]
            if ref in refs:
                resolved[key] = refs[ref]
            else:
                default = load_template().get("Parameters", {}).get(ref, {}).get("Default")
                if default is not None:
                    resolved[key] = str(default)
        elif not isinstance(value, dict):
            resolved[key] = str(value)
    return resolved


def resolve_intrinsic(value: Any, refs: dict[str, str]) -> Any:
    """``value`` with the intrinsics local tools meet resolved: Ref (``refs``, else the parameter's
    default), Fn::Split, Fn::Select and Fn::Sub. Anything else is returned as it is."""
    if not isinstance(value, dict) or len(value) != 1:
        return value
    ((name, argument),) = value.items()
    if name == "Ref":
        parameter = load_template().get("Parameters", {}).get(argument, {})
        return refs.get(argument, parameter.get("Default"))
    if name == "Fn::Split":
        delimiter, text = argument
        return str(resolve_intrinsic(text, refs)).split(delimiter)
    if name == "Fn::Select":
        index, items = argument
        return resolve_intrinsic(items, refs)[int(index)]
    if name == "Fn::Sub":
        text, variables = argument if isinstance(argument, list) else (argument, {})
        names = {**refs, **{key: resolve_intrinsic(item, refs) for key, item in variables.items()}}
        return re.sub(r"\$\{([^}]+)\}", lambda match: str(names.get(match[1], match[0])), text)
    return value


def parameter_refs(environment: Mapping[str, str]) -> dict[str, str]:
    """Template parameters as ``environment`` sets them: a function variable set to !Ref Parameter
    (Globals) gives that parameter its value, so locally TRUSTED_ORIGINS is the TrustedOrigins."""
    variables = _globals().get("Environment", {}).get("Variables", {})
    return {
        value["Ref"]: environment[key]
        for key, value in variables.items()
        if isinstance(value, dict) and "Ref" in value and key in environment
    }
