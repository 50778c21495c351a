"""Benchmark 5: the local API (devtools.local_api) under a bounded concurrent load on loopback.

A fixed number of requests, a read-heavy mix, sent by a few client threads over HTTP to the local API
Gateway (SAM's, running the Lambda authorizer for authorized routes) in this process.
"""

from __future__ import annotations

import http.client
import json
import logging
import random
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from bench.api import new_actor
from bench.harness import Harness
from bench.measure import Timing
from bench.report import Cell, Section, Target
from bench.scenarios import POST_CONTENT
from devtools import dynamodb_local
from devtools.template import authorizer_function

WARM_UP_ROUNDS = 2
TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Call:
    kind: str
    method: str
    path: str
    headers: dict[str, str]
    body: str | None = None


@dataclass(frozen=True)
class Outcome:
    kind: str
    status: int
    ms: float


MixEntry = tuple[str, float, Callable[[random.Random], Call]]


def _mix(h: Harness, writes: bool) -> list[MixEntry]:
    """(kind, weight, call factory): mostly reads, as a feed-style app sees."""
    users, posts = h.dataset.user_ids, h.dataset.posts
    mix: list[MixEntry] = [
        (
            "GET /posts/{postId}",
            0.40,
            lambda rng: Call("GET /posts/{postId}", "GET", f"/posts/{rng.choice(posts).id}", {}),
        ),
        (
            "GET /users/{userId}",
            0.20,
            lambda rng: Call("GET /users/{userId}", "GET", f"/users/{rng.choice(users)}", {}),
        ),
        (
            "GET /users/{userId}/posts",
            0.20,
            lambda rng: Call("GET /users/{userId}/posts", "GET", f"/users/{rng.choice(users)}/posts", {}),
        ),
        ("GET /posts", 0.10, lambda rng: Call("GET /posts", "GET", "/posts", {})),
    ]
    if writes:
        actor = new_actor()
        body = json.dumps({"name": "Harvest moon", "content": POST_CONTENT})
        headers = {**actor.bearer, "Content-Type": "application/json"}
        mix.append(("POST /posts", 0.10, lambda rng: Call("POST /posts", "POST", "/posts", headers, body)))
    return mix


def _send(host: str, port: int, call: Call) -> Outcome:
    started = time.perf_counter()
    connection = http.client.HTTPConnection(host, port, timeout=TIMEOUT_SECONDS)
    try:
        connection.request(call.method, call.path, body=call.body, headers=call.headers)
        response = connection.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = 0
    finally:
        connection.close()
    return Outcome(call.kind, status, (time.perf_counter() - started) * 1000)


def _calls(mix: list[MixEntry], count: int, seed: int = 7) -> list[Call]:
    rng = random.Random(seed)
    kinds = rng.choices(mix, weights=[weight for _, weight, _ in mix], k=count)
    return [factory(rng) for _, _, factory in kinds]


def _load(host: str, port: int, calls: list[Call], threads: int) -> tuple[list[Outcome], float]:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="load") as pool:
        outcomes = list(pool.map(lambda call: _send(host, port, call), calls))
    return outcomes, time.perf_counter() - started


def _start_api() -> tuple[Any, str, int] | str:
    """The local API on a free port, or why it is not available."""
    try:
        from devtools.local_api import LocalApi
        from devtools.local_env import InProcessRunner
    except ImportError as error:
        return f"local API not available ({error})"
    host, port = "127.0.0.1", dynamodb_local.free_port()
    api = LocalApi(InProcessRunner(), host, port)
    api.start()
    return api, host, port


def run(h: Harness) -> Section:
    threads, count = h.mode.throughput_threads, h.mode.throughput_requests
    section = Section(
        "5. Throughput of the local API",
        f"{count:,} requests from {threads} client threads over loopback HTTP to `devtools.local_api` "
        "(SAM's local API Gateway: routing, the Lambda authorizer on authorized routes, the handlers in "
        "process); a read-heavy mix, after a warm-up that imports every handler.",
        ("request", "share", "count", "p50 ms", "p99 ms", "errors"),
    )
    started = _start_api()
    if isinstance(started, str):
        section.skipped = started
        return section
    api, host, port = started
    # The gateway logs every request: keep the access log out of the output while the load runs.
    access_log = logging.getLogger("werkzeug")
    level = access_log.level
    access_log.setLevel(logging.WARNING)
    try:
        mix = _mix(h, writes=bool(authorizer_function()))
        for call in _calls(mix, WARM_UP_ROUNDS * len(mix), seed=1):
            _send(host, port, call)
        outcomes, seconds = _load(host, port, _calls(mix, count), threads)
    finally:
        api.stop()
        access_log.setLevel(level)
    _fill(section, mix, outcomes, seconds)
    return section


def _fill(section: Section, mix: list[MixEntry], outcomes: list[Outcome], seconds: float) -> None:
    by_kind: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_kind[outcome.kind].append(outcome)
    for kind, weight, _ in mix:
        section.rows.append(_row(kind, f"{weight:.0%}", by_kind[kind]))
    section.rows.append(_row("**all**", "100%", outcomes))
    errors = [o for o in outcomes if not 200 <= o.status < 400]
    statuses = sorted({o.status for o in errors})
    section.notes.append(
        f"**{len(outcomes) / seconds:,.0f} requests/s** over {seconds:.1f} s. The local runner invokes one "
        "handler at a time (one Lambda environment, shared Powertools state), so this is the rate of a "
        "single warm environment behind SAM's gateway on this machine, not a limit of the deployed API, "
        "where each concurrent request gets its own environment."
    )
    section.targets.append(
        Target(
            "no errors under concurrent load",
            not errors,
            f"{len(errors)} errors of {len(outcomes):,} requests"
            + (f" (statuses {statuses})" if statuses else ""),
            "" if not errors else "requests failed under load (0 = connection error or timeout)",
            "" if not errors else "reproduce with `make api` and the same mix; read the handler logs",
        )
    )


def _row(kind: str, share: str, outcomes: list[Outcome]) -> list[Cell]:
    if not outcomes:
        return [kind, share, 0, "-", "-", 0]
    timing = Timing(tuple(o.ms for o in outcomes))
    errors = sum(1 for o in outcomes if not 200 <= o.status < 400)
    return [kind, share, len(outcomes), f"{timing.median:.1f}", f"{timing.p99:.1f}", errors]
