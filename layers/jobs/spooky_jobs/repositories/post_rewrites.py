"""Rewriting every post listed under a user, for the jobs that keep posts in step with their author
(a rename's copies, a deletion's retirement)."""

from __future__ import annotations

from collections.abc import Callable

from spooky.models import keys
from spooky.models.app import PostModel
from spooky.repositories._query import RawItem, query_once
from spooky_jobs.pacing import Pace, write_units

PAGE_SIZE = 100


class IndexLagging(RuntimeError):
    """The UserPosts index does not show every post of the user yet (index updates are asynchronous):
    raised so that the stream record is retried, rather than leaving a post behind."""


def rewrite_listed_posts(user_id: str, rewrite: Callable[[RawItem], bool]) -> tuple[int, int]:
    """Apply ``rewrite`` (True: it wrote) to every post the UserPosts index lists under the user
    (``POST#...``), one Query per PAGE_SIZE posts, paced by the index throughput the writes spend
    (spooky_jobs.pacing). Returns (posts seen, posts written)."""
    pace, seen, written = Pace(), 0, 0
    start: RawItem | None = None
    while True:
        page = query_once(
            PostModel,
            keys.user_pk(user_id),
            PostModel.gsi1sk.startswith(keys.POST_PREFIX),
            index_name="UserPosts",
            limit=PAGE_SIZE,
            exclusive_start_key=start,
        )
        for raw in page.items:
            if rewrite(raw):
                written += 1
                pace.wait(write_units(raw))  # only writes that changed the index spend its throughput
        seen += len(page.items)
        start = page.last_evaluated_key
        if start is None:
            return seen, written
