"""What happens to a deleted user's data: retired from the indexes at once, purged after the grace period.

Soon after the deletion, ``retire_posts`` takes the user's posts out of the Timeline and out of
their UserPosts listing range, so reads stop skipping them (reads already hide them: the feed by the
deleted-authors entry the soft delete wrote, other reads by checking the author); once every post is
retired, ``stop_hiding`` lets that entry lapse. After the grace period TTL removes the soft-deleted
profile itself; ``purge_user_data`` removes the rest of the specification's cascade (sessions and
accounts with the user) and the user's posts and email claim. Every step is idempotent, so a retried
or repeated run is harmless.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from pynamodb.exceptions import DeleteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model

from spooky.clock import utcnow
from spooky.db.batch import batch_write
from spooky.db.errors import is_condition_failure
from spooky.models import keys
from spooky.models.app import AccountModel, DeletedAuthorModel, EmailClaimModel, PostModel
from spooky.repositories._query import RawItem, query_once
from spooky.repositories.deleted_authors import retired_entry
from spooky.repositories.sessions import delete_collection
from spooky_jobs.repositories.post_rewrites import IndexLagging, rewrite_listed_posts

PAGE_SIZE = 100


class PurgeReport(NamedTuple):
    user_id: str
    sessions: int
    accounts: int
    posts: int
    email_released: bool


def _all_pages(
    model_cls: type[Model],
    hash_key: str,
    condition: Condition,
    *,
    index_name: str | None = None,
    consistent_read: bool = False,
) -> list[RawItem]:
    items: list[RawItem] = []
    start: RawItem | None = None
    while True:
        page = query_once(
            model_cls,
            hash_key,
            condition,
            index_name=index_name,
            limit=PAGE_SIZE,
            newest_first=False,
            exclusive_start_key=start,
            consistent_read=consistent_read,
        )
        items.extend(page.items)
        start = page.last_evaluated_key
        if start is None:
            return items


def retire_post(raw: RawItem) -> bool:
    """Move one post out of the Timeline and out of its author's listing range (keys only).

    Conditional on the post still being where the index showed it, so a repeated run changes nothing.
    """
    post = PostModel.from_raw_data(raw)
    listed_at = str(post.gsi1sk)
    try:
        post.update(
            [
                PostModel.gsi1sk.set(keys.retired_post_sk(listed_at)),
                PostModel.gsi2pk.remove(),
                PostModel.gsi2sk.remove(),
                PostModel.version.add(1),
            ],
            condition=PostModel.deleted_at.does_not_exist() & (PostModel.gsi1sk == listed_at),
        )
    except UpdateError as error:
        if is_condition_failure(error):
            return False
        raise
    return True


def retire_posts(user_id: str, post_count: int) -> int:
    """Take a deleted user's live posts out of the feed and out of their listing, page by page.

    One Query per PAGE_SIZE posts and one UpdateItem per post, paced (an index key cannot be changed
    by a batch write without rewriting the whole item from a possibly stale index copy). Then the
    index must show ``post_count`` (the profile's postCount, frozen by the deletion) retired posts: a
    post it did not list yet (index updates are asynchronous) raises IndexLagging, and the stream
    record is retried, so the feed never stops hiding a post that is still on the Timeline.
    """
    _, retired = rewrite_listed_posts(user_id, retire_post)
    listed = _count_listed(user_id, keys.RETIRED_POST_PREFIX)
    if listed < post_count:
        raise IndexLagging(f"the index lists {listed} of the {post_count} retired posts of user {user_id}")
    return retired


def _count_listed(user_id: str, prefix: str) -> int:
    count: int = PostModel.user_posts.count(keys.user_pk(user_id), PostModel.gsi1sk.startswith(prefix))
    return count


def stop_hiding(user_id: str, deleted_at: datetime) -> None:
    """Once the posts are retired: the feed's pending entry for the user becomes one that lapses after
    the index-lag grace (written first, so the user is never unlisted in between)."""
    retired_entry(user_id, deleted_at, utcnow()).save()
    _delete_pending_entry(user_id)


def _delete_pending_entry(user_id: str) -> None:
    DeletedAuthorModel(*DeletedAuthorModel.key(user_id)).delete()


def _purge_posts(user_id: str) -> int:
    """Posts under the user in UserPosts, listed or retired (soft-deleted ones left the index and expire
    through their own TTL)."""
    raws = [
        raw
        for prefix in (keys.POST_PREFIX, keys.RETIRED_POST_PREFIX)
        for raw in _all_pages(
            PostModel, keys.user_pk(user_id), PostModel.gsi1sk.startswith(prefix), index_name="UserPosts"
        )
    ]
    posts = [PostModel.from_raw_data(raw) for raw in raws]
    batch_write(PostModel, deletes=posts)
    return len(posts)


def _purge_accounts(user_id: str) -> int:
    raws = _all_pages(
        AccountModel,
        keys.user_pk(user_id),
        AccountModel.sk.startswith(keys.ACCOUNT_PREFIX),
        consistent_read=True,
    )
    accounts = [AccountModel.from_raw_data(raw) for raw in raws]
    batch_write(AccountModel, deletes=accounts)
    return len(accounts)


def _release_email(user_id: str, email: str | None) -> bool:
    if not email:
        return False
    claim = EmailClaimModel(*EmailClaimModel.key(email))
    try:
        # Only this user's claim: the address may never be released out from under someone else.
        claim.delete(condition=EmailClaimModel.user_id == user_id)
    except DeleteError as error:
        if is_condition_failure(error):
            return False
        raise
    return True


def purge_user_data(user_id: str, email: str | None) -> PurgeReport:
    """Delete the sessions, posts, accounts and email claim of a deleted user, and the feed's entry
    for them (still pending only if retiring their posts never succeeded: the posts are gone now)."""
    report = PurgeReport(
        user_id=user_id,
        # Every page of the user's sessions, read strongly consistent (spooky.repositories.sessions).
        sessions=delete_collection(user_id),
        posts=_purge_posts(user_id),
        accounts=_purge_accounts(user_id),
        email_released=_release_email(user_id, email),
    )
    _delete_pending_entry(user_id)
    return report
