"""Answer times that do not depend on whether an account exists."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

# Endpoints that must not reveal whether an email is registered (password reset, verification email)
# answer no sooner than this: known emails also write a token and hand a message to SES (~50-150 ms),
# unknown ones do neither, and the floor hides the difference.
ACCOUNT_BLIND_SECONDS = 0.4


@contextmanager
def no_faster_than(seconds: float) -> Iterator[None]:
    """Pad the block to at least ``seconds`` of wall time, however it ends."""
    started = time.monotonic()
    try:
        yield
    finally:
        remaining = seconds - (time.monotonic() - started)
        if remaining > 0:
            time.sleep(remaining)
