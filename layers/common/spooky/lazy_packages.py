"""Third-party packages whose ``__init__`` only re-exports its submodules' names, loaded name by name.

Importing any submodule runs its package's ``__init__`` first. Two Powertools packages re-export a whole
catalogue from theirs: ``event_handler`` imports every resolver it ships (AppSync, Bedrock, VPC Lattice,
...) and ``utilities.data_classes`` every event class (CodePipeline's pulls in zipfile). A route needs
one resolver and a stream job one event class; the rest was 166 M instructions, about 11% of a
function's cold start, measured with valgrind (docs/performance.md, section 3).

``defer_init`` registers such a package without running its ``__init__``: each name the ``__init__``
would have imported is imported, from its own submodule, on first access (a module ``__getattr__``,
PEP 562), so ``from package import Name`` and ``package.Name`` behave as before. Only an ``__init__``
made of nothing but a docstring, ``__all__`` and imports from the package itself is deferred; any other
statement (a side effect the package may rely on) leaves the package to the normal import.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import sys
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

# The packages deferred by ``import spooky`` (spooky/__init__.py), before anything can import them.
POWERTOOLS_CATALOGUES = (
    "aws_lambda_powertools.event_handler",
    "aws_lambda_powertools.utilities.data_classes",
)


class Export(NamedTuple):
    """``from <module> import <name>`` in a package ``__init__``, resolved to an absolute module."""

    module: str
    name: str


def _is_docstring_or_all(node: ast.stmt) -> bool:
    if isinstance(node, ast.Expr):
        return isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
    return isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["__all__"]


def _source_module(package: str, node: ast.ImportFrom) -> str | None:
    """The absolute name of the submodule ``node`` imports from, or None if it is not in ``package``."""
    if node.level == 1:
        return f"{package}.{node.module}" if node.module else None
    if node.level == 0 and node.module and node.module.startswith(f"{package}."):
        return node.module
    return None


def reexports(package: str, init_source: str) -> dict[str, Export] | None:
    """What ``init_source`` (``package``'s ``__init__``) exports by name, or None if it does more."""
    exports: dict[str, Export] = {}
    for node in ast.parse(init_source).body:
        if _is_docstring_or_all(node):
            continue
        source = _source_module(package, node) if isinstance(node, ast.ImportFrom) else None
        if source is None or not isinstance(node, ast.ImportFrom):
            return None
        for alias in node.names:
            if alias.name == "*":
                return None
            exports[alias.asname or alias.name] = Export(source, alias.name)
    return exports


def defer_init(*packages: str) -> list[str]:
    """Registers each of ``packages`` that is not imported yet and qualifies; returns those deferred."""
    deferred = []
    for package in packages:
        if package in sys.modules:
            continue  # already imported in full: nothing to save, and nothing to change under its users
        spec = importlib.util.find_spec(package)
        if spec is None or spec.origin is None or spec.submodule_search_locations is None:
            continue
        exports = reexports(package, Path(spec.origin).read_text(encoding="utf-8"))
        if exports is None:
            continue
        _deferred_module(spec, exports)
        deferred.append(package)
    return deferred


def _deferred_module(spec: ModuleSpec, exports: dict[str, Export]) -> ModuleType:
    module = importlib.util.module_from_spec(spec)  # __path__, __spec__ and __file__ as the real import

    def resolve(name: str) -> Any:
        export = exports[name]
        value = getattr(importlib.import_module(export.module), export.name)
        setattr(module, name, value)
        return value

    def attribute(name: str) -> Any:
        # Not an export: AttributeError, so that `from package import submodule` imports the submodule.
        if name not in exports:
            raise AttributeError(f"module {spec.name!r} has no attribute {name!r}")
        return resolve(name)

    vars(module).update(__getattr__=attribute, __all__=list(exports))
    sys.modules[spec.name] = module
    # A name that is also its submodule's name (data_classes' `event_source` function in `event_source`)
    # would read as the submodule once anything imported it: bound now, as the real __init__ binds it.
    for name, export in exports.items():
        if export.module == f"{spec.name}.{name}":
            resolve(name)
    return module
