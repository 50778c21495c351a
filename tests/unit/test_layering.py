"""One contract per layer, and request code apart from the background jobs.

Repositories return models (or plain domain dataclasses), never the API's wire schemas; services map
them (spooky.services.mapping). API functions never load spooky_jobs nor the backup drill's raw boto3.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import typing
from types import ModuleType
from typing import Any

from pydantic import BaseModel

import spooky.repositories
import spooky.schemas
from devtools.template import ROOT, functions
from tests.support.handlers import load_handlers_fresh

JOB_EVENT_TYPES = {"DynamoDB", "Schedule", "ScheduleV2", "SQS", "Kinesis"}
FORBIDDEN_IN_API = ("spooky_jobs", "spooky.services.backup_drill")


def _repository_modules() -> list[ModuleType]:
    return [
        importlib.import_module(f"spooky.repositories.{info.name}")
        for info in pkgutil.iter_modules(spooky.repositories.__path__)
    ]


def _schema_names() -> dict[str, Any]:
    """Every class of spooky.schemas by name, to evaluate annotations that name them."""
    names: dict[str, Any] = {}
    for info in pkgutil.walk_packages(spooky.schemas.__path__, "spooky.schemas."):
        module = importlib.import_module(info.name)
        names |= {name: value for name, value in vars(module).items() if inspect.isclass(value)}
    return names


def _types_in(annotation: Any) -> list[Any]:
    """``annotation`` and every type nested in it (unions, generics, Page[...] and the like)."""
    found = [annotation]
    for argument in typing.get_args(annotation):
        found.extend(_types_in(argument))
    return found


def _is_schema(candidate: Any) -> bool:
    origin = typing.get_origin(candidate) or candidate
    return (
        inspect.isclass(origin)
        and issubclass(origin, BaseModel)
        and origin.__module__.startswith("spooky.schemas")
    )


def test_repositories_return_no_wire_schema() -> None:
    checked = 0
    for module in _repository_modules():
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__:
                continue
            # Modules that take schemas only as annotations import them under TYPE_CHECKING.
            scope = {**_schema_names(), **vars(module)}
            returned = typing.get_type_hints(function, globalns=scope).get("return")
            offenders = [t for t in _types_in(returned) if _is_schema(t)]
            assert not offenders, f"{module.__name__}.{name} returns {offenders}"
            checked += 1
    assert checked > 20  # the inspection saw the repositories' public functions


def _api_functions() -> dict[str, str]:
    """Logical id -> handler module path of every function answering requests (routes, authorizer)."""
    return {
        logical_id: str(function.module_path)
        for logical_id, function in functions().items()
        if not {event.get("Type") for event in function.events.values()} & JOB_EVENT_TYPES
    }


def test_api_functions_never_import_the_jobs_package() -> None:
    api = _api_functions()
    assert "HealthFunction" in api
    assert "HealthCanaryFunction" not in api
    loaded = load_handlers_fresh(api)["loaded"]
    assert "spooky.http.api" in loaded  # the handlers really were imported
    leaked = [name for name in loaded if name.startswith(FORBIDDEN_IN_API)]
    assert not leaked, f"API functions import job code: {leaked}"


def test_spooky_never_imports_spooky_jobs() -> None:
    importing = re.compile(r"^\s*(from|import)\s+spooky_jobs\b", re.MULTILINE)
    sources = (ROOT / "layers" / "common" / "spooky").rglob("*.py")
    assert not [str(path) for path in sources if importing.search(path.read_text())]


def test_stream_jobs_and_the_authorizer_load_no_pydantic() -> None:
    # The stream jobs and the authorizer answer no route: the API's pydantic schemas (and pydantic
    # itself, with the event models Powertools' batch utility then loads) would only cost their cold
    # starts. Repositories name the schemas they take in annotations only, and Settings is plain Python.
    # The health canary is not one of them: it runs the /health route's own check.
    chosen = {
        name: str(function.module_path)
        for name, function in functions().items()
        if name == "SessionAuthorizerFunction"
        or any(event.get("Type") == "DynamoDB" for event in function.events.values())
    }
    assert {"AuditStreamFunction", "RetentionPurgeFunction", "SessionAuthorizerFunction"} <= set(chosen)
    loaded = load_handlers_fresh(chosen)["loaded"]
    assert "spooky_jobs" in loaded  # the jobs really were imported
    assert not [name for name in loaded if name.startswith("spooky.schemas")]
    assert "pydantic" not in loaded
