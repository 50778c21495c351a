"""A Lambda init pauses the cyclic collector from `import spooky` to the handler's entry point."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from devtools.template import functions
from tests.support.handlers import load_handlers_fresh

COLLECTOR_STATE = """
import gc
answer["collector"] = {"enabled": gc.isenabled(), "frozen": gc.get_freeze_count()}
"""
AFTER_IMPORTING_SPOOKY = """
import gc, spooky
answer["paused"] = not gc.isenabled()
"""


def _init(logical_id: str, lambda_init: bool) -> dict[str, object]:
    function = functions()[logical_id]
    return load_handlers_fresh(
        {f"fn_{logical_id}": str(function.module_path)},
        before=AFTER_IMPORTING_SPOOKY,
        then=COLLECTOR_STATE,
        lambda_init=lambda_init,
    )


def test_every_function_resumes_the_collector_its_init_paused() -> None:
    # One interpreter per function: only the first init of a process pauses the collector.
    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = dict(zip(functions(), pool.map(lambda name: _init(name, True), functions()), strict=True))
    assert all(answer["paused"] for answer in answers.values())
    still_paused = [name for name, answer in answers.items() if not answer["collector"]["enabled"]]
    assert not still_paused, f"these inits never reached an entry point: {still_paused}"
    assert all(answer["collector"]["frozen"] > 10_000 for answer in answers.values())


def test_outside_lambda_the_collector_never_pauses() -> None:
    answer = _init("GetPostFunction", lambda_init=False)
    assert not answer["paused"]
    assert answer["collector"] == {"enabled": True, "frozen": 0}
