"""Benchmark 1: DynamoDB requests, capacity units and item sizes of every route of template.yaml."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bench.api import Request, Response, SetupFailed, authorize, invoke, new_actor, route
from bench.harness import Harness
from bench.measure import READ_OPERATIONS, Cost, Written, measured, written
from bench.report import Cell, Section, Target
from bench.scenarios import Scenario, scenarios_for
from devtools.functions import load_handler
from devtools.template import Route, authorizer_function, routes

TARGET = "1 DynamoDB request per endpoint, authorizer aside (a transaction where an invariant spans items)"


@dataclass(frozen=True)
class KnownException:
    reason: str
    next_step: str
    # True: the extra requests are the design (status "exception"); False: a gap to close.
    by_design: bool = True


KNOWN: dict[str, KnownException] = {
    "GET /posts": KnownException(
        "1 Query of the posts' Timeline partition (each post carries its author's name and email) + 1 "
        "strongly consistent Query of the deleted authors whose posts may still be indexed, sent together: "
        "the second is what hides a deleted user's posts the moment the deletion is acknowledged",
        "keep (issue 12's budget: 2 requests); a rename rewrites the author's posts from the stream",
    ),
    "GET /health": KnownException(
        "one GetItem per table, by design: the check proves that each table answers",
        "none",
    ),
    "POST /posts (with Idempotency-Key)": KnownException(
        "Powertools' idempotency utility writes the in-progress record before the handler's transaction "
        "and the response after it (PutItem + TransactWriteItems + UpdateItem)",
        "only clients that send the header pay it; if it matters, put the idempotency record into the "
        "post's transaction (Put with attribute_not_exists) and store the response with it",
    ),
}

HEADERS = (
    "route",
    "status",
    "requests",
    "DynamoDB operations",
    "RCU",
    "WCU",
    "read: items / KB",
    "written: items / KB",
    "response KB",
    "reads",
    "target",
)


@dataclass(frozen=True)
class Measurement:
    label: str
    response: Response | None
    cost: Cost
    written: Written | None


def _measure(h: Harness, target: Route, request: Request, label: str) -> Measurement:
    load_handler(target.function)  # the import is cold-start work, not this request's
    with measured() as result:
        response = invoke(target, request)
    cost = result[0]
    return Measurement(label, response, cost, written(h.client(), cost.traffic.written_keys))


def _row(m: Measurement, verdict: str) -> list[Cell]:
    cost = m.cost
    return [
        m.label,
        m.response.status if m.response else "-",
        cost.requests,
        cost.operations or "-",
        f"{cost.read_units:g}",
        f"{cost.write_units:g}",
        f"{cost.traffic.read_items} / {cost.traffic.read_bytes / 1024:.1f}",
        m.written.describe() if m.written and cost.traffic.written_keys else "-",
        f"{len(m.response.text) / 1024:.1f}" if m.response else "-",
        cost.traffic.consistency,
        verdict,
    ]


def _verdict(m: Measurement) -> tuple[str, Target | None]:
    status = m.response.status if m.response else 0
    if status >= 400 or m.cost.errors:
        reason = f"answered {status}: {m.response.text[:160] if m.response else ''} {' '.join(m.cost.errors)}"
        return "error", Target(
            f"{m.label}: answers", False, f"HTTP {status}", reason.strip(), "fix the handler", detail=True
        )
    if m.cost.requests == 1:
        return "met", None
    measured_text = f"{m.cost.requests} requests: {m.cost.operations}"
    known = KNOWN.get(m.label)
    if known:
        return ("exception" if known.by_design else "gap"), Target(
            f"{m.label}: 1 request",
            False,
            measured_text,
            known.reason,
            known.next_step,
            accepted=known.by_design,
            detail=True,
        )
    reason, next_step = _diagnosis(m.cost)
    return "gap", Target(f"{m.label}: 1 request", False, measured_text, reason, next_step, detail=True)


def _diagnosis(cost: Cost) -> tuple[str, str]:
    """Why a route needs more than one request, read from the shape of its requests."""
    operations = [o.operation for o in cost.observations]
    reads = [op for op in operations if op in READ_OPERATIONS]
    writes = [op for op in operations if op not in READ_OPERATIONS]
    reasons, steps = [], []
    if len(reads) > 1:
        reasons.append(f"{len(reads)} reads in sequence")
        steps.append("read once (keep what the answer needs on one item, or one BatchGet/TransactGet)")
    if reads and writes:
        reasons.append("a read before writing")
        steps.append("turn the read into the write's condition, or carry its data in the session/authorizer")
    if len(writes) > 1:
        reasons.append(f"{len(writes)} separate writes")
        steps.append("group the writes into one TransactWriteItems")
    return "; ".join(reasons), "; ".join(steps)


def _authorizer(h: Harness) -> tuple[list[Cell], Target]:
    """The authorizer's own cost, paid before every authorized route's handler."""
    name = "authorizer: 1 request, the user-is-live check included"
    label = f"authorizer ({authorizer_function()})"
    try:
        token = new_actor().token
        with measured() as result:
            authorize(token, route("POST", "/posts"))
    except SetupFailed as error:
        return _not_measured(label, f"not measured: {error}"), Target(name, False, str(error))
    m = Measurement(label, None, result[0], None)
    # One strongly consistent BatchGetItem reads the session and its user (deleted users are refused).
    ok = m.cost.requests == 1 and m.cost.operations.startswith("BatchGetItem")
    return _row(m, "met" if ok else "gap"), Target(
        name,
        ok,
        f"{m.cost.requests} request(s): {m.cost.operations}",
        "" if ok else "the authorizer needs more than one request for the session and its user",
        "" if ok else "read the session and the user in one BatchGetItem (the token names both keys)",
    )


def _not_measured(label: str, why: str) -> list[Cell]:
    return [label, why, *["-"] * (len(HEADERS) - 2)]


def _route_rows(
    h: Harness, target: Route, scenarios: Sequence[Scenario]
) -> tuple[list[list[Cell]], list[Measurement], list[Target]]:
    label = f"{target.method} {target.path}"
    if not scenarios:
        return [_not_measured(label, "no scenario in bench/scenarios.py")], [], []
    rows, done, targets = [], [], []
    for scenario in scenarios:
        try:
            request = scenario.build(h)
        except SetupFailed as error:
            rows.append(_not_measured(scenario.label, f"not measured: {error}"))
            continue
        m = _measure(h, target, request, scenario.label)
        verdict, gap = _verdict(m)
        rows.append(_row(m, verdict))
        done.append(m)
        if gap:
            targets.append(gap)
    return rows, done, targets


def run(h: Harness) -> Section:
    section = Section(
        "1. Requests and capacity per endpoint",
        "Every route of template.yaml, its real handler invoked in-process with the event API Gateway "
        "builds (authorized routes get the authorizer's context, as API Gateway passes it; the authorizer "
        "is measured on its own row). Requests and capacity units are counted by spooky.db.observe; item "
        "sizes are DynamoDB's (names + values) of the items read and of the written items as stored "
        "afterwards. "
        f"Profile and listing rows use the author with {h.dataset.post_counts[h.dataset.prolific_author]:,} "
        "posts; page size 20.",
        HEADERS,
    )
    authorizer_row, authorizer_target = _authorizer(h)
    section.rows.append(authorizer_row)
    measured_all: list[Measurement] = []
    gaps: list[Target] = []
    for target in routes():
        rows, done, targets = _route_rows(h, target, scenarios_for(target.method, target.path))
        section.rows.extend(rows)
        measured_all.extend(done)
        gaps.extend(targets)
    met = sum(1 for m in measured_all if m.cost.requests == 1 and m.response and m.response.status < 400)
    open_gaps = [t for t in gaps if not t.accepted]
    exceptions = len(gaps) - len(open_gaps)
    section.targets = [
        Target(
            TARGET,
            not open_gaps,
            f"{met} of {len(measured_all)} requests in 1 DynamoDB request; {exceptions} known exceptions, "
            f"{len(open_gaps)} gaps",
        ),
        authorizer_target,
        *gaps,
    ]
    section.notes = _notes(measured_all)
    return section


def _notes(measured_all: Sequence[Measurement]) -> list[str]:
    strong = [m.label for m in measured_all if m.cost.traffic.strong_reads]
    return [
        "RCU are charged on whole items (each read rounded up to 4 KB, halved when eventually "
        "consistent), whatever the ProjectionExpression: the lever against paying for attributes an "
        "answer does not need is the item design. Compare *read KB* with *response KB*.",
        f"Strongly consistent reads: {', '.join(strong) or 'none'} (besides the authorizer's session read); "
        "every other read is eventually consistent.",
    ]
