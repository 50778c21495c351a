"""Deleted users whose posts may still be on the Timeline: what the feed hides, read with every page.

A soft delete is one write however many posts the user has, so their posts stay indexed until the
retention job retires them. The soft-delete transaction therefore also writes an entry here, and every
feed page reads the entries with one strongly consistent Query, sent with the page's Timeline Query:
the posts are hidden from the moment the deletion is acknowledged, without reading any author.

An entry is pending (it never lapses) until the job has retired every post of the user; the job then
replaces it by one that lapses after INDEX_LAG_GRACE, the margin for the Timeline index to drop the
retired posts (index updates are asynchronous, normally within a second). Sort keys order entries by
that end, so the Query's key condition skips lapsed entries: a page reads only the users deleted in
the last minutes, whatever TTL has not yet removed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from spooky.clock import utcnow
from spooky.models import keys
from spooky.models.app import DeletedAuthorModel
from spooky.repositories._query import RawItem, query_once
from spooky.request_context import stamp

INDEX_LAG_GRACE = timedelta(minutes=10)
# Entries are ~100 bytes: one page holds thousands, so a Query almost never needs a second one.
_PAGE = 1000


def pending_entry(user_id: str, deleted_at: datetime) -> DeletedAuthorModel:
    """The entry the soft-delete transaction writes: hides the user's posts until they are retired."""
    entry = DeletedAuthorModel(*DeletedAuthorModel.key(user_id), user_id=user_id, deleted_at=deleted_at)
    return stamp(entry)


def retired_entry(user_id: str, deleted_at: datetime, now: datetime) -> DeletedAuthorModel:
    """The entry that replaces the pending one once the posts are retired: it lapses after the grace."""
    until = now + INDEX_LAG_GRACE
    return DeletedAuthorModel(
        *DeletedAuthorModel.key(user_id, until), user_id=user_id, deleted_at=deleted_at, ttl=until
    )


def hidden_author_ids() -> set[str]:
    """Ids of the users whose posts the feed must hide now: one strongly consistent Query, usually
    returning nothing (a further Query only past ~1 MB of entries)."""
    ids: set[str] = set()
    start: RawItem | None = None
    while True:
        page = query_once(
            DeletedAuthorModel,
            keys.DELETED_AUTHORS_PK,
            DeletedAuthorModel.sk > keys.sortable_time(utcnow()),
            limit=_PAGE,
            exclusive_start_key=start,
            consistent_read=True,
        )
        ids.update(keys.deleted_author_id(raw["sk"]["S"]) for raw in page.items)
        start = page.last_evaluated_key
        if start is None:
            return ids
