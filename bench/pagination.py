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
# Issue 12's feed budget: a feed page in at most 2 requests and 2x the RCU of an author page.
FEED_REQUESTS = 2
FEED_RCU_RATIO = 2.0
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


def _feed_budget(author: list[PageCost], feed: list[PageCost]) -> Target:
    """Every measured feed page against the author page of the same depth and size."""
    requests = max(page.cost.requests for page in feed)
    ratios = [_ratio(f.cost.read_units, a.cost.read_units) for a, f in zip(author, feed, strict=True)]
    met = requests <= FEED_REQUESTS and max(ratios) <= FEED_RCU_RATIO
    pages = ", ".join(
        f"page {f.page} {f.cost.read_units:g} vs {a.cost.read_units:g}"
        for a, f in zip(author, feed, strict=True)
    )
    return Target(
        f"global feed: ≤ {FEED_REQUESTS} requests and ≤ {FEED_RCU_RATIO:g}x the RCU of an author page",
        met,
        f"at most {requests} requests; RCU feed vs author: {pages} (at most {max(ratios):.2f}x)",
        "" if met else "the feed reads more partitions or more items per page than one Query",
        "" if met else "serve a page from one Query of one partition, its authors copied onto the posts",
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
    measured_pages = []
    for name, fetch in listings.items():
        results = _measure(fetch, h.mode.repeats)
        measured_pages.append(results)
        for result in results:
            section.rows.append(_row(name, result))
            chart.bars.append(Bar(f"{name.split(' (')[0]}, page {result.page}", result.cost.read_units))
        section.targets.append(_target(name, results[0], results[-1]))
    section.targets.append(_feed_budget(*measured_pages))
    section.charts.append(chart)
    section.notes.append(
        "Every page of an author's posts is one Query (page size + 1 posts, to know whether more follow) "
        "and, sent with it, a strongly consistent GetItem of the profile (name and email for every post); "
        "every feed page is one Query of the posts' Timeline partition (page size + 1 posts, each carrying "
        "a copy of its author) and, sent with it, a strongly consistent Query of the deleted authors whose "
        "posts may still be indexed."
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
