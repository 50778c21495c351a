"""A Lambda function's init, bracketed: ``import spooky`` (every handler's first import, in the order
functions/ruff.toml keeps) calls ``begin``, and the handler's entry point (spooky.observability) calls
``end``.

- Powertools' catalogue packages load name by name (spooky.lazy_packages).
- In Lambda only (the runtime sets AWS_LAMBDA_RUNTIME_API, as does `sam local`; tests, tools and the
  local API never pause it), the cyclic garbage collector pauses for the init. CPython runs it again and
  again while hundreds of modules load, and there it frees almost nothing: about 400 objects, 190 KB of
  the 26 MB SignUpEmailFunction's init allocates. The pause took GetPostFunction's init from 211 to
  196 ms (interleaved fresh interpreters, 2026-12-02), about 7%. ``end`` then freezes what the init
  allocated (gc.freeze: modules, classes and clients that live as long as the process), so that no
  collection during a request walks them again, and resumes collecting. The few cycles the init left
  unreachable stay allocated, once.
"""

from __future__ import annotations

import gc
import os

from spooky.lazy_packages import POWERTOOLS_CATALOGUES, defer_init

_collector_paused = False


def begin() -> None:
    global _collector_paused
    defer_init(*POWERTOOLS_CATALOGUES)
    if os.environ.get("AWS_LAMBDA_RUNTIME_API") and gc.isenabled():
        gc.disable()
        _collector_paused = True


def end() -> None:
    """The init is over: what it allocated is frozen, and the collector resumes (idempotent)."""
    global _collector_paused
    if _collector_paused:
        _collector_paused = False
        gc.freeze()
        gc.enable()
