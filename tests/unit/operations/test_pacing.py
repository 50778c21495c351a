"""Fan-out writes are spaced out (spooky_jobs.pacing): the posts' Timeline is one index partition."""

from __future__ import annotations

import threading
import time

from spooky_jobs.pacing import Pace, write_units


def test_calls_are_spaced_at_the_rate_across_threads() -> None:
    pace = Pace(per_second=200)
    started = time.monotonic()
    workers = [threading.Thread(target=lambda: [pace.wait() for _ in range(5)]) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    # 20 slots 5 ms apart: the last one at least 95 ms after the first.
    assert time.monotonic() - started >= 0.095


def test_a_pace_that_is_not_behind_does_not_wait() -> None:
    pace = Pace(per_second=10)
    pace.wait()
    time.sleep(0.15)  # longer than one interval: the next slot is already due
    started = time.monotonic()
    pace.wait()
    assert time.monotonic() - started < 0.05


def test_a_large_item_spends_more_of_the_rate() -> None:
    pace = Pace(per_second=100)
    started = time.monotonic()
    pace.wait(units=5)
    pace.wait(units=1)  # after 5 units at 100/s: 50 ms later
    assert time.monotonic() - started >= 0.045


def test_write_units_follow_the_item_size() -> None:
    assert write_units({"pk": {"S": "POST#1"}}) == 1
    assert write_units({"content": {"S": "x" * 5_000}}) == 5
