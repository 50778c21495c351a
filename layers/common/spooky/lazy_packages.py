"""Third-party packages whose ``__init__`` only re-exports its submodules' names, loaded name by name.

Importing any submodule runs its package's ``__init__`` first. Two Powertools packages re-export a whole
catalogue from theirs: ``event_handler`` imports every resolver it ships (AppSync, Bedrock, VPC Lattice,
...) and ``utilities.data_classes`` every event class (CodePipeline's pulls in zipfile). A route needs
one resolver and a stream job one event class. Measured with valgrind's instruction count in the
bench's interpreter: the two packages alone cost 166 M instructions less deferred, and GetPostFunction's
whole init went from 1,478 M to 1,430 M (the rest of the difference is loaded anyway, asyncio by X-Ray).

``defer_init`` registers such a package without running its ``__init__``: each name the ``__init__``
would have imported is imported, from its own submodule, on first access (a module ``__getattr__``,
PEP 562), so ``from package import Name`` and ``package.Name`` behave as before. Only an ``__init__``
made of nothing but a docstring, ``__all__`` and ``from`` imports from the package itself is deferred
(read from its bytecode, which the layer ships without sources); any other statement (a side effect the
package may rely on) leaves the package to the normal import.

Reading the bytecode costs ~15 M instructions per init, so the exports of the installed Powertools'
``__init__``s are kept in spooky/lazy_exports.py, each under a fingerprint of the bytecode it was read
from: only an ``__init__`` with another fingerprint is read at init. tests/unit/test_lazy_packages.py
fails when the table is stale (after a Powertools upgrade); ``python -m devtools.lazy_exports``
rewrites it.
"""

from __future__ import annotations

import dis
import hashlib
import importlib
import importlib.util
import sys
from importlib.machinery import ModuleSpec
from types import CodeType, ModuleType
from typing import Any, NamedTuple

from spooky.lazy_exports import KNOWN_EXPORTS

# The packages deferred by ``import spooky`` (spooky/__init__.py), before anything can import them.
POWERTOOLS_CATALOGUES = (
    "aws_lambda_powertools.event_handler",
    "aws_lambda_powertools.utilities.data_classes",
)


class Export(NamedTuple):
    """``from <module> import <name>`` in a package ``__init__``, resolved to an absolute module."""

    module: str
    name: str


# What a docstring, `from <module> import <names>` and `__all__ = [...]` compile to, and nothing else: no
# call, no other assignment, so running the module could have had no side effect but those imports.
_VALUE_OPCODES = frozenset({"LOAD_CONST", "BUILD_LIST", "BUILD_TUPLE", "LIST_EXTEND"})
_IGNORED_OPCODES = frozenset({"RESUME", "NOP", "CACHE", "EXTENDED_ARG"})
_END_OPCODES = frozenset({"RETURN_CONST", "RETURN_VALUE"})
_PLAIN_NAMES = frozenset({"__doc__", "__all__"})


def _source_module(package: str, level: object, name: str) -> str | None:
    """The absolute name of the submodule an import reads from, or None if it is not in ``package``."""
    if level == 1:
        return f"{package}.{name}" if name else None  # `from . import x` binds a submodule: not an export
    if level == 0 and name.startswith(f"{package}."):
        return name
    return None


def reexports(package: str, init_code: CodeType) -> dict[str, Export] | None:
    """What ``init_code`` (``package``'s ``__init__``, compiled) exports by name, or None if it does more.

    Read from the bytecode, not the source: the layer ships its dependencies as bytecode only.
    """
    exports: dict[str, Export] = {}
    constants: list[object] = []
    source: str | None = None  # the submodule of the `from ... import` being read
    imported: str | None = None  # the name just taken from it, to be stored next
    for instruction in dis.get_instructions(init_code):
        operation, argument = instruction.opname, instruction.argval
        if operation in _IGNORED_OPCODES:
            continue
        if operation in _END_OPCODES:
            return exports
        if operation in _VALUE_OPCODES and source is None:
            constants.append(argument)
        elif operation == "IMPORT_NAME" and source is None and len(constants) >= 2:
            source, names = _source_module(package, constants[-2], argument), constants[-1]
            if source is None or not isinstance(names, tuple) or "*" in names:
                return None
            constants.clear()
        elif operation == "IMPORT_FROM" and source is not None and imported is None:
            imported = argument
        elif operation == "STORE_NAME" and source is not None and imported is not None:
            exports[argument] = Export(source, imported)
            imported = None
        elif operation == "STORE_NAME" and source is None and argument in _PLAIN_NAMES:
            constants.clear()
        elif operation == "POP_TOP" and source is not None and imported is None:
            source = None
        else:
            return None
    return None


def fingerprint(init_code: CodeType) -> str:
    """What identifies an ``__init__``'s bytecode wherever it is installed (its file path is left out)."""
    constants = tuple(value for value in init_code.co_consts if not isinstance(value, CodeType))
    compiled = repr((init_code.co_code, init_code.co_names, constants)).encode()
    return hashlib.sha256(compiled).hexdigest()[:16]


def exports_of(package: str, init_code: CodeType) -> dict[str, Export] | None:
    """``reexports``, from spooky/lazy_exports.py where it holds this very bytecode's."""
    known = KNOWN_EXPORTS.get(package)
    if known is not None and known[0] == fingerprint(init_code):
        return {name: Export(module, attribute) for name, (module, attribute) in known[1].items()}
    return reexports(package, init_code)


def defer_init(*packages: str) -> list[str]:
    """Registers each of ``packages`` that is not imported yet and qualifies; returns those deferred.

    An optimisation only: a package that cannot be read, or does more than re-export, is left to the
    normal import, and no error of this reading can fail the import of spooky.
    """
    deferred = []
    for package in packages:
        try:
            if _defer(package):
                deferred.append(package)
        except Exception:  # noqa: S112 - whatever went wrong, the normal import still works
            continue
    return deferred


def _defer(package: str) -> bool:
    if package in sys.modules:
        return False  # already imported in full: nothing to save, and nothing to change under its users
    spec = importlib.util.find_spec(package)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return False
    code = spec.loader.get_code(package)  # type: ignore[attr-defined]
    exports = exports_of(package, code) if code is not None else None
    # find_spec imported the parents, whose __init__ may have imported this package meanwhile.
    if exports is None or package in sys.modules:
        return False
    _deferred_module(spec, exports)
    return True


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
