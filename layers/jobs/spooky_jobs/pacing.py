"""A steady rate for writes that fan out over many posts (a rename, a deletion, a migration).

Every post is on the one partition of the posts' Timeline (spooky.models.keys.TIMELINE_SHARDS), whose
index takes about 1,000 WCU/s: a burst of thousands of post updates would throttle it, and through it
every request creating a post. Paced, a fan-out uses a fifth of it at most.
"""

from __future__ import annotations

import json
import math
import threading
import time
from typing import Any

# Write capacity units per second a fan-out may spend on the index partition.
WRITE_UNITS_PER_SECOND = 200.0


def write_units(raw: dict[str, Any]) -> int:
    """The WCU an index write of this item costs (1 per KB), from its DynamoDB JSON: a slight
    overestimate, the type tags included."""
    return max(1, math.ceil(len(json.dumps(raw)) / 1024))


class Pace:
    """Spends at most ``per_second`` units a second, across threads (a migration's scan segments)."""

    def __init__(self, per_second: float = WRITE_UNITS_PER_SECOND) -> None:
        self._per_second = per_second
        self._next = time.monotonic()
        self._lock = threading.Lock()

    def wait(self, units: int = 1) -> None:
        """Account for a write of ``units`` just made; sleeps while the writes before it are ahead of
        the rate, so that a fan-out averages at most ``per_second`` units a second."""
        with self._lock:
            now = time.monotonic()
            slot = max(self._next, now)
            self._next = slot + units / self._per_second
        if slot > now:
            time.sleep(slot - now)
