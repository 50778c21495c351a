"""Powertools' catalogue packages load name by name (spooky.lazy_packages), and behave as before."""

from __future__ import annotations

import ast
import compileall
import sys
from pathlib import Path
from types import CodeType

import pytest

from devtools.lazy_exports import table
from devtools.template import functions
from spooky.lazy_exports import KNOWN_EXPORTS
from spooky.lazy_packages import (
    POWERTOOLS_CATALOGUES,
    Export,
    defer_init,
    exports_of,
    fingerprint,
    reexports,
)
from tests.support.handlers import load_handlers_fresh

# Modules that only the unused parts of the catalogues import: no function may load them.
NEVER_LOADED = (
    "aws_lambda_powertools.event_handler.appsync",
    "aws_lambda_powertools.event_handler.bedrock_agent",
    "aws_lambda_powertools.event_handler.vpc_lattice",
    "aws_lambda_powertools.utilities.data_classes.code_pipeline_job_event",
    "aws_lambda_powertools.utilities.data_classes.s3_batch_operation_event",
)


def _compiled(source: str) -> CodeType:
    return compile(source, "pkg/__init__.py", "exec")


def test_reexports_reads_an_init_of_imports_only() -> None:
    source = '''"""Doc."""
from .alpha import A, B as Bee
from pkg.beta import C
__all__ = ["A", "Bee", "C"]
'''
    assert reexports("pkg", _compiled(source)) == {
        "A": Export("pkg.alpha", "A"),
        "Bee": Export("pkg.alpha", "B"),
        "C": Export("pkg.beta", "C"),
    }


@pytest.mark.parametrize(
    "statement",
    [
        "setup()",  # a side effect the package may rely on
        "from os import path",  # not from the package itself
        "from . import alpha",  # a submodule, bound by the import itself
        "from .alpha import *",
        "import pkg.alpha",
        "VERSION = '1'",
        "__all__ = [name for name in ('A',)]",
        "if DEBUG:\n    from .alpha import B",
    ],
)
def test_reexports_refuses_an_init_that_does_more(statement: str) -> None:
    assert reexports("pkg", _compiled(f"from .alpha import A\n{statement}\n")) is None


def test_the_known_exports_are_those_of_the_installed_powertools() -> None:
    assert table() == KNOWN_EXPORTS, "stale after a Powertools upgrade: run `python -m devtools.lazy_exports`"


def test_known_exports_serve_only_the_bytecode_they_were_read_from(monkeypatch: pytest.MonkeyPatch) -> None:
    code = _compiled("from .alpha import A\n")
    known = {"B": ("pkg.beta", "B")}
    monkeypatch.setitem(KNOWN_EXPORTS, "pkg", ("0" * 16, known))
    assert exports_of("pkg", code) == {"A": Export("pkg.alpha", "A")}  # another fingerprint: read
    monkeypatch.setitem(KNOWN_EXPORTS, "pkg", (fingerprint(code), known))
    assert exports_of("pkg", code) == {"B": Export("pkg.beta", "B")}


def test_a_fingerprint_ignores_where_the_init_was_compiled() -> None:
    source = "from .alpha import A\n__all__ = ['A']\n"
    here, there = compile(source, "/opt/python/pkg/__init__.py", "exec"), _compiled(source)

    assert fingerprint(here) == fingerprint(there)
    assert fingerprint(here) != fingerprint(_compiled("from .alpha import B\n__all__ = ['B']\n"))


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """pkg: re-exports from `light`, `heavy` (which records that it ran) and `tool` (a same-name export)."""
    root = tmp_path / "pkg"
    root.mkdir()
    (root / "__init__.py").write_text(
        "from .light import Light\nfrom .heavy import Heavy\nfrom .tool import tool\n"
        "__all__ = ['Light', 'Heavy', 'tool']\n"
    )
    (root / "light.py").write_text("class Light: ...\n")
    (root / "heavy.py").write_text("import builtins\nbuiltins.heavy_ran = True\nclass Heavy: ...\n")
    (root / "tool.py").write_text("def tool() -> str:\n    return 'the function'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [name for name in sys.modules if name == "pkg" or name.startswith("pkg.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.delattr("builtins.heavy_ran", raising=False)
    yield "pkg"
    for name in [name for name in sys.modules if name == "pkg" or name.startswith("pkg.")]:
        del sys.modules[name]


def test_a_deferred_package_loads_only_the_submodules_asked_for(package: str) -> None:
    assert defer_init(package) == [package]
    from pkg.light import Light

    assert "pkg.heavy" not in sys.modules
    import pkg

    assert pkg.Light is Light
    assert "pkg.heavy" not in sys.modules
    from pkg import Heavy

    assert Heavy.__module__ == "pkg.heavy"
    assert sorted(pkg.__all__) == ["Heavy", "Light", "tool"]


def test_a_package_shipped_as_bytecode_only_is_deferred_too(package: str, tmp_path: Path) -> None:
    # The layer's dependencies ship as legacy .pyc files beside where each .py was (layers/common/Makefile).
    assert compileall.compile_dir(tmp_path / "pkg", legacy=True, quiet=1)
    for source in (tmp_path / "pkg").glob("*.py"):
        source.unlink()
    assert defer_init(package) == [package]
    from pkg import Light

    assert Light.__module__ == "pkg.light"
    assert "pkg.heavy" not in sys.modules


def test_a_name_shared_with_its_submodule_is_the_name_not_the_module(package: str) -> None:
    defer_init(package)
    from pkg import tool

    assert callable(tool)
    assert tool() == "the function"


def test_an_imported_or_unqualified_package_is_left_alone(package: str, tmp_path: Path) -> None:
    (tmp_path / "pkg" / "__init__.py").write_text("from .light import Light\nprint('side effect')\n")
    assert defer_init(package, "json", "no_such_package_here") == []
    assert "pkg" not in sys.modules


def _imported_modules(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.ImportFrom):
        return [node.module or ""]
    return [alias.name for alias in node.names]


def _first_import_line(tree: ast.Module, prefix: str) -> int | None:
    lines = [
        node.lineno
        for node in tree.body
        if isinstance(node, ast.Import | ast.ImportFrom)
        for name in (
            [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
        )
        if name == prefix or name.startswith(f"{prefix}.")
    ]
    return min(lines, default=None)


def test_every_handler_imports_spooky_before_powertools() -> None:
    late = []
    for logical_id, function in functions().items():
        tree = ast.parse(function.module_path.read_text())
        powertools = _first_import_line(tree, "aws_lambda_powertools")
        spooky = min(
            (line for line in (_first_import_line(tree, p) for p in ("spooky", "spooky_jobs")) if line),
            default=None,
        )
        if powertools is not None and (spooky is None or spooky > powertools):
            late.append(logical_id)
    assert not late, f"import spooky before Powertools in these handlers (functions/ruff.toml): {late}"


def test_functions_load_without_the_unused_catalogue() -> None:
    handlers = {f"fn_{name}": str(function.module_path) for name, function in functions().items()}
    answer = load_handlers_fresh(
        handlers,
        then="""
        from aws_lambda_powertools.event_handler import AppSyncResolver, Response
        from aws_lambda_powertools.utilities.data_classes import S3Event, event_source
        answer["names"] = [AppSyncResolver.__name__, Response.__name__, S3Event.__name__,
                           type(event_source).__name__]
        """,
    )
    assert set(POWERTOOLS_CATALOGUES) <= set(answer["loaded"])
    assert "aws_lambda_powertools.event_handler.api_gateway" in answer["loaded"]  # the routes really loaded
    assert not [name for name in NEVER_LOADED if name in answer["loaded"]]
    # ... and afterwards every catalogue name still resolves, as from the real __init__.
    assert answer["names"] == ["AppSyncResolver", "Response", "S3Event", "function"]
