"""Load a function's handler from template.yaml (CodeUri + Handler) the way the Lambda runtime does."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from functools import cache
from types import ModuleType
from typing import Any

from devtools.template import Function, functions

LambdaHandler = Callable[[dict[str, Any], Any], Any]


@cache
def load_module(logical_id: str) -> ModuleType:
    """Import a function's module once, under a unique name (every function's file is app.py)."""
    function = functions()[logical_id]
    name = f"functions_{function.code_uri.name}_{function.module_path.stem}"
    spec = importlib.util.spec_from_file_location(name, function.module_path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {function.module_path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def load_handler(logical_id: str) -> LambdaHandler:
    function: Function = functions()[logical_id]
    handler: LambdaHandler = getattr(load_module(logical_id), function.handler_name)
    return handler
