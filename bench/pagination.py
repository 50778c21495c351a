"""Benchmark 2: the cost and latency of page 1, 10 and 50 of the longest author listing and of the feed.

Cursor pagination (the cursor holds the last key read) makes every page one Query from where the last
one stopped; an offset would re-read every earlier page. Both listings are called at the repository
(spooky.repositories.posts), following the real cursor chain to reach the deep pages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bench.charts import Bar, BarChart
from bench.harness import Harness
from bench.measure import Cost, Timing, measured, timed
from bench.report import Cell, Section, Target
from spooky.repositories import posts

PAGES = (1, 10, 50)
RATIO_TARGET = 1.1
Fetch = Callable[[str | None], str | None]  # cursor -> next cursor


@dataclass(frozen=True)
class PageCost:
    page: int
    cost: Cost
    timing: Timing

    @property
    def kb(self) -> float:
        return self.cost.traffic.read_bytes / 1024


def _cursors(fetch: Fetch, last_page: int) -> dict[int, str | None]:
    """The cursor that opens each page, 1 to ``last_page``, by walking the chain."""
    cursors: dict[int, str | None] = {1: None}
    for page in range(1, last_page):
        cursors[page + 1] = fetch(cursors[page])
        if cursors[page + 1] is None:
            raise RuntimeError(f"the listing ends at page {page}: seed more posts or shrink the page size")
    return cursors


def _measure(fetch: Fetch, repeats: int) -> list[PageCost]:
    cursors = _cursors(fetch, max(PAGES))
    results = []
    for page in PAGES:
        cursor = cursors[page]
        with measured() as cost:
            fetch(cursor)
        results.append(PageCost(page, cost[0], timed(lambda c=cursor: fetch(c), repeats)))  # type: ignore[misc]
    return results


def _ratio(deep: float, first: float) -> float:
    return deep / first if first else float("inf")


def _target(name: str, first: PageCost, deep: PageCost) -> Target:
    requests = _ratio(deep.cost.requests, first.cost.requests)
    items = _ratio(deep.cost.traffic.read_items, first.cost.traffic.read_items)
    rcu = _ratio(deep.cost.read_units, first.cost.read_units)
    kb = _ratio(deep.kb, first.kb)
    # RCU follow the bytes on the page; what depth must not add is requests, items or capacity per byte.
    met = (
        requests <= RATIO_TARGET
        and items <= RATIO_TARGET
        and (rcu <= RATIO_TARGET or rcu <= kb * RATIO_TARGET)
    )
    measured_text = (
        f"page {deep.page} / page 1: requests {requests:.2f}x, items read {items:.2f}x, RCU {rcu:.2f}x "
        f"(KB read {kb:.2f}x), median latency {_ratio(deep.timing.median, first.timing.median):.2f}x"
    )
    reason = "" if met else "a deep page reads more than a first page"
    return Target(
        f"{name}: page {deep.page} costs what page 1 costs (≤ {RATIO_TARGET}x)",
        met,
        measured_text,
        reason,
        "" if met else "check that the cursor resumes the Query instead of re-reading earlier pages",
    )


def run(h: Harness) -> Section:
    size = 5 if h.mode.quick else 20
    author = h.dataset.prolific_author
    listings: dict[str, Fetch] = {
        f"posts of one author ({h.dataset.post_counts[author]:,} posts)": (
            lambda cursor: posts.list_user_posts(author, cursor, size).next_cursor
        ),
        f"global feed ({len(h.dataset.posts):,} posts)": lambda cursor: posts.feed(cursor, size).next_cursor,
    }
    section = Section(
        "2. Pagination depth",
        f"Pages of {size} items. Cost is one call's DynamoDB requests, items read and capacity; latency is "
        f"the median and p99 of {h.mode.repeats} calls of the repository function with that page's cursor.",
        ("listing", "page", "requests", "items read", "KB read", "RCU", "median ms", "p99 ms"),
    )
    chart = BarChart(
        "pagination-depth",
        f"Capacity per page of {size} items, by page depth",
        "read capacity units (RCU) of one page",
    )
    for name, fetch in listings.items():
        results = _measure(fetch, h.mode.repeats)
        for result in results:
            section.rows.append(_row(name, result))
            chart.bars.append(Bar(f"{name.split(' (')[0]}, page {result.page}", result.cost.read_units))
        section.targets.append(_target(name, results[0], results[-1]))
    section.charts.append(chart)
    section.notes.append(
        "The first page of an author's posts also reads the profile item (name and email for every post), "
        "which then rides in the signed cursor; the feed reads each Timeline shard once per page "
        "(page size + 1 items per shard, to know whether more follow) and the page's authors in one "
        "BatchGetItem."
    )
    return section


def _row(name: str, result: PageCost) -> list[Cell]:
    cost = result.cost
    return [
        name,
        result.page,
        cost.requests,
        cost.traffic.read_items,
        f"{result.kb:.1f}",
        f"{cost.read_units:g}",
        f"{result.timing.median:.1f}",
        f"{result.timing.p99:.1f}",
    ]
