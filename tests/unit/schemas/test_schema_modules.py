"""Schema modules evaluate their annotations when they are defined (spooky/schemas/__init__.py says why)."""

from __future__ import annotations

from pathlib import Path

import pytest

import spooky.schemas

PACKAGE = Path(spooky.schemas.__path__[0])
MODULES = sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("module", MODULES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_schema_module_does_not_postpone_annotations(module: Path) -> None:
    assert "from __future__ import annotations" not in module.read_text()
