"""Progress of long commands on stderr: a counter redrawn in place on a terminal, silent otherwise.

Used by `make bench` (dataset seeding) and `make migrate-up`: minutes of
silence look like a hang to whoever runs them; logs and CI output get no progress noise.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TextIO

# Redraw at most this often: a counter per item would cost more than the work on fast loops.
MIN_INTERVAL_SECONDS = 0.2


class Progress:
    def __init__(self, label: str, total: int | None, stream: TextIO) -> None:
        self.label, self.total, self.done = label, total, 0
        self._stream = stream
        self._shown_at = 0.0
        # Parallel workers (scan segments, writers) report into one counter.
        self._lock = threading.Lock()

    def advance(self, count: int = 1) -> None:
        with self._lock:
            self.done += count
            now = time.monotonic()
            if now - self._shown_at >= MIN_INTERVAL_SECONDS or self.done == self.total:
                self._shown_at = now
                self._stream.write(f"\r{self.text()}")
                self._stream.flush()

    def text(self) -> str:
        if not self.total:
            return f"{self.label}: {self.done:,}"
        percent = 100 * self.done / self.total
        return f"{self.label}: {self.done:,} / {self.total:,} ({percent:.0f}%)"


class _Silent(Progress):
    def advance(self, count: int = 1) -> None:
        with self._lock:
            self.done += count


@contextmanager
def progress(label: str, total: int | None = None, stream: TextIO | None = None) -> Iterator[Progress]:
    """A Progress that draws only when ``stream`` (stderr by default) is a terminal."""
    out = stream or sys.stderr
    shown = Progress(label, total, out) if out.isatty() else _Silent(label, total, out)
    try:
        yield shown
    finally:
        if out.isatty():
            out.write(f"\r{shown.text()}\n")
            out.flush()
