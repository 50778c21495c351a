"""in_parallel: results in order, the last call on the calling thread, errors only once all have ended."""

from __future__ import annotations

import threading
import time

import pytest

from spooky.repositories._concurrent import in_parallel


def test_results_come_in_order_and_the_last_call_runs_on_the_calling_thread() -> None:
    threads: list[str] = []

    def call(value: int, delay: float) -> int:
        time.sleep(delay)
        threads.append(threading.current_thread().name)
        return value

    assert in_parallel([lambda: call(1, 0.05), lambda: call(2, 0.0), lambda: call(3, 0.0)]) == [1, 2, 3]
    assert threads.count(threading.current_thread().name) == 1
    assert in_parallel([]) == []
    assert in_parallel([lambda: 7]) == [7]


def test_an_earlier_error_wins_and_nothing_is_raised_while_a_call_still_runs() -> None:
    finished = threading.Event()

    def slow_failure() -> None:
        time.sleep(0.05)
        finished.set()
        raise KeyError("first")

    def fast_failure() -> None:
        raise ValueError("last")

    with pytest.raises(KeyError):
        in_parallel([slow_failure, fast_failure])
    assert finished.is_set()


def test_a_failing_last_call_waits_for_the_others() -> None:
    finished = threading.Event()

    def slow() -> int:
        time.sleep(0.05)
        finished.set()
        return 1

    def failing() -> None:
        raise ValueError("last")

    with pytest.raises(ValueError, match="last"):
        in_parallel([slow, failing])
    assert finished.is_set()


def test_an_early_error_waits_for_a_call_still_running_in_the_middle() -> None:
    finished = threading.Event()

    def fast_failure() -> None:
        raise KeyError("first")

    def slow() -> int:
        time.sleep(0.1)
        finished.set()
        return 2

    with pytest.raises(KeyError):
        in_parallel([fast_failure, slow, lambda: 3])
    assert finished.is_set()
