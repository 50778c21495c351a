"""Retention of a deleted user's data, driven by the AppTable stream.

- The soft delete (a MODIFY that sets the profile's ``deletedAt``): retire the user's posts from the
  indexes, so listings stop reading past them (they are hidden from the moment of the delete anyway),
  then let the feed's entry for the user lapse.
- TTL removing the soft-deleted profile after the grace period: purge the rest of their data.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)

from spooky.models import keys
from spooky_jobs import changes
from spooky_jobs.repositories.retention import PurgeReport, purge_user_data, retire_posts, stop_hiding


class ExpiredUser(NamedTuple):
    user_id: str
    email: str | None


def expired_user(record: DynamoDBRecord) -> ExpiredUser | None:
    """The user whose soft-deleted profile TTL just removed, or None for any other change.

    Only a TTL removal of a profile that carries ``deletedAt`` qualifies: an item deleted by a
    person or a live profile can never trigger a purge.
    """
    if not changes.is_ttl_expiry(record):
        return None
    item_keys, before = changes.keys_of(record), changes.old_image(record) or {}
    pk, sk = str(item_keys.get("pk", "")), item_keys.get("sk")
    if sk != keys.PROFILE_SK or not pk.startswith(keys.user_pk("")) or not before.get("deletedAt"):
        return None
    email = before.get("email")
    return ExpiredUser(pk.removeprefix(keys.user_pk("")), str(email) if email else None)


def purge_expired_user(record: DynamoDBRecord) -> PurgeReport | None:
    user = expired_user(record)
    return purge_user_data(user.user_id, user.email) if user else None


class RetiredPosts(NamedTuple):
    user_id: str
    posts: int


def _profile_user_id(record: DynamoDBRecord) -> str | None:
    item_keys = changes.keys_of(record)
    pk, sk = str(item_keys.get("pk", "")), item_keys.get("sk")
    if sk != keys.PROFILE_SK or not pk.startswith(keys.user_pk("")):
        return None
    return pk.removeprefix(keys.user_pk(""))


class DeletedUser(NamedTuple):
    user_id: str
    deleted_at: datetime
    post_count: int  # frozen by the deletion: no post of a deleted user is created or deleted


def deleted_user(record: DynamoDBRecord) -> DeletedUser | None:
    """The user a request just soft-deleted (the MODIFY that set ``deletedAt``), or None."""
    if record.event_name != DynamoDBRecordEventName.MODIFY:
        return None
    before, after = changes.old_image(record) or {}, changes.new_image(record) or {}
    user_id = _profile_user_id(record)
    if before.get("deletedAt") or not after.get("deletedAt") or user_id is None:
        return None
    # PynamoDB's UTC format (2025-01-31T12:00:00.123456+0000) is ISO 8601.
    deleted_at = datetime.fromisoformat(str(after["deletedAt"]))
    return DeletedUser(user_id, deleted_at, int(after.get("postCount") or 0))


def retire_deleted_users_posts(record: DynamoDBRecord) -> RetiredPosts | None:
    user = deleted_user(record)
    if user is None:
        return None
    retired = retire_posts(user.user_id, user.post_count)
    stop_hiding(user.user_id, user.deleted_at)
    return RetiredPosts(user.user_id, retired)
