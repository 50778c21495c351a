"""Progress of long commands on stderr: a counter redrawn in place on a terminal, silent otherwise.

Used by `make bench` (dataset seeding), `make migrate-up` and `python -m devtools.backup_drill`: minutes
of silence look like a hang to whoever runs them; logs and CI output get no progress noise. Code outside
devtools (the jobs layer) takes any object with ``advance`` and ``show``, so it never imports this.
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
        # What is under way, after the count (e.g. "waiting for 2 restores, 0:04:00").
        self.detail = ""
        self._stream = stream
        self._shown_at = 0.0
        self._width = 0
        # Parallel workers (scan segments, writers) report into one counter.
        self._lock = threading.Lock()

    def advance(self, count: int = 1) -> None:
        with self._lock:
            self.done += count
            now = time.monotonic()
            if now - self._shown_at >= MIN_INTERVAL_SECONDS or self.done == self.total:
                self._shown_at = now
                self.draw()

    def show(self, detail: str) -> None:
        """Say what is under way now; drawn at once (a step changes seldom, unlike a count)."""
        with self._lock:
            self.detail = detail
            self._shown_at = time.monotonic()
            self.draw()

    def draw(self, end: str = "") -> None:
        """The line again, in place (blanked to the width of the longest line drawn before)."""
        line = self.text()
        self._stream.write(f"\r{line.ljust(self._width)}{end}")
        self._stream.flush()
        self._width = max(self._width, len(line))

    def text(self) -> str:
        count = f"{self.done:,}"
        if self.total:
            count += f" / {self.total:,} ({100 * self.done / self.total:.0f}%)"
        return f"{self.label}: {count}" + (f", {self.detail}" if self.detail else "")


class _Silent(Progress):
    def draw(self, end: str = "") -> None:
        pass


@contextmanager
def progress(label: str, total: int | None = None, stream: TextIO | None = None) -> Iterator[Progress]:
    """A Progress that draws only when ``stream`` (stderr by default) is a terminal."""
    out = stream or sys.stderr
    shown = Progress(label, total, out) if out.isatty() else _Silent(label, total, out)
    try:
        yield shown
    finally:
        shown.draw("\n")
