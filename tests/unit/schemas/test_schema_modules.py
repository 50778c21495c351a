"""Schema modules evaluate their annotations when they are defined (spooky/schemas/__init__.py says why)."""

from __future__ import annotations

import pkgutil
from pathlib import Path

import pytest

import spooky.schemas

MODULES = [info.name for info in pkgutil.iter_modules(spooky.schemas.__path__)]


@pytest.mark.parametrize("name", MODULES)
def test_schema_module_does_not_postpone_annotations(name: str) -> None:
    source = Path(spooky.schemas.__path__[0], f"{name}.py").read_text()

    assert "from __future__ import annotations" not in source
