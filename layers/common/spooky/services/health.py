"""The specification's checkDatabaseHealth, for DynamoDB: a cheap data-plane read of every table, bounded
in time.

GET /health must answer (200 or 503) well inside its 10 s function timeout whatever the database does,
or callers see a gateway error instead of the failing check. So the tables are probed in parallel, each
with one short attempt, and the whole check gives up at DEADLINE_SECONDS, naming what did not answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import datetime
from typing import NamedTuple

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import DoesNotExist, PynamoDBException
from pynamodb.models import Model

from spooky.clock import utcnow
from spooky.models import keys
from spooky.models.base import FromSettings, TableMeta
from spooky.schemas.health import HealthOut
from spooky.services.mapping import to_health_out
from spooky.settings import Settings

# The whole check's budget: GET /health promises an answer within 3 s (docs/operations.md).
DEADLINE_SECONDS = 2.0
# Names the probe threads, so that whoever must wait for a straggler (a test) can find it.
THREAD_PREFIX = "health-probe"


class Check(NamedTuple):
    name: str
    healthy: bool
    latency_ms: float
    error: str | None = None


class Health(NamedTuple):
    healthy: bool
    timestamp: datetime
    checks: list[Check]


class _ProbeMeta(TableMeta):
    # One short attempt: a table that does not answer at once is what this check reports, and the
    # models' 2 s / 4 s x 3 attempts would outlast the caller (36 s measured against a silent endpoint).
    connect_timeout_seconds = 1
    read_timeout_seconds = 1
    max_retry_attempts = 0


def _probe_model(read_table_name: Callable[[Settings], str]) -> type[Model]:
    """A keys-only model of one table with the probe's timeouts (PynamoDB keeps one client per model)."""

    class Probe(Model):
        class Meta(_ProbeMeta):
            table_name = FromSettings(read_table_name)

        pk = UnicodeAttribute(hash_key=True)
        sk = UnicodeAttribute(range_key=True)

    return Probe


PROBES: dict[str, type[Model]] = {
    "appTable": _probe_model(lambda s: s.app_table_name),
    "authTable": _probe_model(lambda s: s.auth_table_name),
}


def _probe(name: str, model: type[Model]) -> Check:
    """GetItem of a key that never exists: proves the table answers, costs 0.5 RCU."""
    started = time.perf_counter()
    try:
        model.get(*keys.HEALTH_KEY)
    except DoesNotExist:
        pass  # the expected answer: the table is reachable
    except PynamoDBException as error:
        return Check(name, False, _ms_since(started), str(error.msg or error))
    return Check(name, True, _ms_since(started))


def _ms_since(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def _outcome(name: str, future: Future[Check]) -> Check:
    if not future.done():
        return Check(name, False, DEADLINE_SECONDS * 1000, f"No answer within {DEADLINE_SECONDS:g} s")
    error = future.exception()
    return future.result() if error is None else Check(name, False, 0.0, repr(error))


def check_database() -> Health:
    pool = ThreadPoolExecutor(max_workers=len(PROBES), thread_name_prefix=THREAD_PREFIX)
    futures = {name: pool.submit(_probe, name, model) for name, model in PROBES.items()}
    wait(futures.values(), timeout=DEADLINE_SECONDS)
    # Never wait for a straggler: its own timeouts end it soon, in this invocation or a later one.
    pool.shutdown(wait=False, cancel_futures=True)
    checks = [_outcome(name, future) for name, future in futures.items()]
    return Health(healthy=all(check.healthy for check in checks), timestamp=utcnow(), checks=checks)


def report() -> HealthOut:
    """GET /health's answer."""
    return to_health_out(check_database())
