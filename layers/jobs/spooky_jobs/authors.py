"""An author's copy on their posts, kept in step by the AppTable stream: a rename reaches every post.

Posts carry their author's name and email (what the feed shows), so a feed page needs no author
reads. Emails never change; a name does (update-user, or a name given with a new post), and its
profile MODIFY record has the job rewrite the copies of the user's posts (repositories/authors.py).
Until it has, the feed shows the former name: seconds, or a minute for thousands of posts.
"""

from __future__ import annotations

from typing import NamedTuple

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)

from spooky.models import keys
from spooky_jobs import changes
from spooky_jobs.repositories.authors import refresh_author_copies


class RefreshedCopies(NamedTuple):
    user_id: str
    posts: int


def renamed_user_id(record: DynamoDBRecord) -> str | None:
    """The live user whose name (or email) a request just changed, or None for any other change."""
    if record.event_name != DynamoDBRecordEventName.MODIFY:
        return None
    item_keys = changes.keys_of(record)
    pk, sk = str(item_keys.get("pk", "")), item_keys.get("sk")
    if sk != keys.PROFILE_SK or not pk.startswith(keys.user_pk("")):
        return None
    before, after = changes.old_image(record) or {}, changes.new_image(record) or {}
    shown = ("name", "email")
    if after.get("deletedAt") or all(before.get(name) == after.get(name) for name in shown):
        return None
    return pk.removeprefix(keys.user_pk(""))


def refresh_renamed_authors_posts(record: DynamoDBRecord) -> RefreshedCopies | None:
    user_id = renamed_user_id(record)
    return RefreshedCopies(user_id, refresh_author_copies(user_id)) if user_id else None
