"""Benchmark 1: DynamoDB requests, capacity units and item sizes of every route of template.yaml."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bench import budgets
from bench.api import Request, Response, SetupFailed, authorize, invoke, new_actor, route
from bench.harness import Harness
from bench.measure import READ_OPERATIONS, Cost, Written, measured, written
from bench.report import Cell, Section, Target, table
from bench.scenarios import Scenario, scenarios_for
from devtools.functions import load_handler
from devtools.template import Route, authorizer_function, routes

TARGET = f"every route within its DynamoDB request budget ({budgets.FILE}), the authorizer aside"

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
    "budget",
    "target",
)


@dataclass(frozen=True)
class Measurement:
    label: str
    response: Response | None
    cost: Cost
    written: Written | None
    # Its entry in bench/budgets.py, when not its label.
    budget_key: str = ""

    @property
    def answered(self) -> bool:
        """The request succeeded: its request count means something."""
        status = self.response.status if self.response else 200
        return status < 400 and not self.cost.errors

    @property
    def budget(self) -> budgets.Verdict:
        return budgets.verdict(self.budget_key or self.label, self.cost.requests)


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
        m.budget.describe(),
        verdict,
    ]


def _verdict(m: Measurement) -> tuple[str, Target | None]:
    """The row's status (met, gap, over or error) and, unless met, its line under the section's targets."""
    if not m.answered:
        status = m.response.status if m.response else 0
        reason = f"answered {status}: {m.response.text[:160] if m.response else ''} {' '.join(m.cost.errors)}"
        return "error", Target(
            f"{m.label}: answers", False, f"HTTP {status}", reason.strip(), "fix the handler", detail=True
        )
    verdict = m.budget
    if verdict.status == "met":
        return "met", None
    budget = budgets.BUDGETS.get(verdict.route)
    reason, next_step = _diagnosis(m.cost)
    if budget and budget.why:
        reason, next_step = budget.why, budget.next_step or next_step
    return verdict.status, Target(
        f"{m.label}: budget {verdict.describe()}",
        False,
        f"{m.cost.requests} requests: {m.cost.operations}",
        f"{verdict.failure()}; {reason}" if verdict.status == "over" else reason,
        next_step,
        shortfall=verdict.status,
        detail=True,
    )


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


def _authorizer(h: Harness) -> tuple[list[Cell], Target, Measurement | None]:
    """The authorizer's own cost, paid before every authorized route's handler."""
    name = "authorizer: 1 request, the user-is-live check included"
    label = f"authorizer ({authorizer_function()})"
    try:
        token = new_actor().token
        with measured() as result:
            authorize(token, route("POST", "/posts"))
    except SetupFailed as error:
        return _not_measured(label, f"not measured: {error}"), Target(name, False, str(error)), None
    m = Measurement(label, None, result[0], None, budget_key=budgets.AUTHORIZER)
    # One strongly consistent BatchGetItem reads the session and its user (deleted users are refused).
    ok = m.budget.status == "met" and m.cost.operations.startswith("BatchGetItem")
    return (
        _row(m, "met" if ok else m.budget.status),
        Target(
            name,
            ok,
            f"{m.cost.requests} request(s): {m.cost.operations}",
            "" if ok else "the authorizer needs more than one request for the session and its user",
            "" if ok else "read the session and the user in one BatchGetItem (the token names both keys)",
        ),
        m,
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
        "posts; page size 20.\n\n" + budget_prose(),
        HEADERS,
    )
    authorizer_row, authorizer_target, authorizer = _authorizer(h)
    section.rows.append(authorizer_row)
    measured_all: list[Measurement] = []
    gaps: list[Target] = []
    for target in routes():
        rows, done, targets = _route_rows(h, target, scenarios_for(target.method, target.path))
        section.rows.extend(rows)
        measured_all.extend(done)
        gaps.extend(targets)
    checked = [m.budget for m in [*([authorizer] if authorizer else []), *measured_all] if m.answered]
    section.failures = [failure for v in checked if (failure := v.failure())]
    section.reminders = [reminder for v in checked if (reminder := v.reminder())]
    routes_checked = [v for v in checked if v.route != budgets.AUTHORIZER]
    within = sum(1 for v in routes_checked if v.status == "met")
    held = sum(1 for v in routes_checked if v.status == "gap")
    section.targets = [
        Target(
            TARGET,
            within == len(measured_all),
            f"{within} of {len(measured_all)} requests within budget; {held} over budget, held by the "
            f"ratchet; {len(section.failures)} over what they are allowed",
            shortfall="over" if section.failures else "gap",
        ),
        authorizer_target,
        *gaps,
    ]
    section.notes = _notes(measured_all)
    return section


def budget_prose() -> str:
    """Section 1's account of the request budgets: a table of bench/budgets.py, no measurement in it."""
    rows = [
        (
            route,
            budget.requests,
            budgets.RATCHET.get(route, "-"),
            max(budget.requests, budgets.RATCHET.get(route, 0)),
            budget.why or "-",
        )
        for route, budget in budgets.BUDGETS.items()
    ]
    return (
        f"Request budgets ({budgets.FILE}): a route may make *allowed* = max(budget, ratchet) DynamoDB "
        "requests. The ratchet records the request count of each route over its budget when it was last "
        "measured: such a route is a **gap**; one that makes more than it is allowed is **over**, and the "
        "run (CI's `--quick` one too) exits non-zero naming it.\n\n"
        + table(("route", "budget", "ratchet", "allowed", "why more than 1"), rows)
    )


def _notes(measured_all: Sequence[Measurement]) -> list[str]:
    strong = [m.label for m in measured_all if m.cost.traffic.strong_reads]
    return [
        "RCU are charged on whole items (each read rounded up to 4 KB, halved when eventually "
        "consistent), whatever the ProjectionExpression: the lever against paying for attributes an "
        "answer does not need is the item design. Compare *read KB* with *response KB*.",
        f"Strongly consistent reads: {', '.join(strong) or 'none'} (besides the authorizer's session read); "
        "every other read is eventually consistent.",
    ]
