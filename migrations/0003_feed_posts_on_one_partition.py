"""Posts of the feed onto the Timeline's one posts partition, each with a copy of its author.

Until this release posts were spread over 4 Timeline partitions (POSTS#0..3) and carried no author;
the feed now reads one partition and shows each post's own copy of its author's name and email
(docs/data-model.md). Each post still on the Timeline but elsewhere, or without the copy, gets both
in one transaction that also checks its author (live, with that name and email), so a rename in
between is never overwritten: the transaction fails and is retried with the author read again. A
post whose author is deleted or missing is retired from the indexes instead, as the retention job
does. Every write is conditional on the post being as scanned (still live, at the same Timeline
position), so a replayed page changes nothing twice and a rerun finds nothing left to do; writes are
paced, since they all land on one index partition.
"""

from __future__ import annotations

from pynamodb.expressions.condition import Condition

from devtools.migrations import DataMigration, RawItem
from spooky.db.transactions import Transaction, TransactionCancelled, run_transaction
from spooky.models import keys
from spooky.models.app import PostModel, UserModel
from spooky.repositories.posts import Author, author_of, copied_author_condition
from spooky.repositories.users import get_user
from spooky_jobs.pacing import Pace, write_units
from spooky_jobs.repositories.retention import retire_post

ATTEMPTS = 5
COPY = ("authorName", "authorEmail")


def timeline_partition(item: RawItem) -> str:
    """Where the post belongs on the Timeline now (keys.TIMELINE_SHARDS)."""
    post_id = item["id"]["S"]
    return keys.timeline_pk(keys.POSTS_TIMELINE, keys.shard_of(keys.POSTS_TIMELINE, post_id))


class Migration(DataMigration):
    model = PostModel

    def __init__(self) -> None:
        # Authors by id, read once per run (the transaction's check catches a rename since).
        self._authors: dict[str, Author | None] = {}
        self._pace = Pace()  # shared by the scan segments' threads

    def scan_filter(self) -> Condition | None:
        condition: Condition = (PostModel.sk == keys.POST_SK) & PostModel.gsi2pk.exists()
        return condition

    def needs_change(self, item: RawItem) -> bool:
        on_timeline = item["sk"]["S"] == keys.POST_SK and "gsi2pk" in item
        return on_timeline and (
            item["gsi2pk"]["S"] != timeline_partition(item) or any(name not in item for name in COPY)
        )

    def apply(self, item: RawItem) -> bool:
        author_id = item["createdById"]["S"]
        for _ in range(ATTEMPTS):
            author = self._author(author_id)
            try:
                changed = retire_post(item) if author is None else self._move(item, author)
            except TransactionCancelled as cancelled:
                if not cancelled.failed("author"):
                    raise
                self._authors.pop(author_id, None)  # renamed or deleted since it was read
                continue
            if changed:
                self._pace.wait(write_units(item))
            return changed
        raise RuntimeError(f"the author of post {item['id']['S']} kept changing; rerun the migration")

    def _author(self, author_id: str) -> Author | None:
        if author_id not in self._authors:
            user = get_user(author_id, ["id", "name", "email"], consistent=True)
            self._authors[author_id] = author_of(user) if user is not None else None
        return self._authors[author_id]

    def _move(self, item: RawItem, author: Author) -> bool:
        """One transaction: the author is as read, and the post moves and takes the copy. False when
        the post changed since the scan (deleted, retired, or already moved and copied)."""
        post = PostModel(item["pk"]["S"], item["sk"]["S"])
        target = timeline_partition(item)
        still_to_do = (
            (PostModel.gsi2pk != target)
            | PostModel.author_name.does_not_exist()
            | PostModel.author_email.does_not_exist()
        )
        as_scanned = (
            PostModel.deleted_at.does_not_exist()
            & (PostModel.gsi2pk == item["gsi2pk"]["S"])
            & (PostModel.gsi2sk == item["gsi2sk"]["S"])
            & still_to_do
        )

        def build(tx: Transaction) -> None:
            author_as_read = copied_author_condition(author)
            tx.check("author", UserModel, *UserModel.key(author.id), condition=author_as_read)
            tx.update(
                "post",
                post,
                [
                    PostModel.gsi2pk.set(target),
                    PostModel.author_name.set(author.name),
                    PostModel.author_email.set(author.email),
                ],
                condition=as_scanned,
            )

        try:
            run_transaction(build)
        except TransactionCancelled as cancelled:
            if cancelled.failed("post") and not cancelled.failed("author"):
                return False
            raise
        return True
