"""Retention of a deleted user's data, driven by the AppTable stream.

- The soft delete (a MODIFY that sets the profile's ``deletedAt``): retire the user's posts from the
  indexes, so listings stop reading past them (they are hidden from the moment of the delete anyway).
- TTL removing the soft-deleted profile after the grace period: purge the rest of their data.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)

from spooky.models import keys
from spooky_jobs import changes
from spooky_jobs.repositories.retention import PurgeReport, purge_user_data, retire_posts


@dataclass(frozen=True)
class ExpiredUser:
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


@dataclass(frozen=True)
class RetiredPosts:
    user_id: str
    posts: int


def _profile_user_id(record: DynamoDBRecord) -> str | None:
    item_keys = changes.keys_of(record)
    pk, sk = str(item_keys.get("pk", "")), item_keys.get("sk")
    if sk != keys.PROFILE_SK or not pk.startswith(keys.user_pk("")):
        return None
    return pk.removeprefix(keys.user_pk(""))


def deleted_user_id(record: DynamoDBRecord) -> str | None:
    """The user a request just soft-deleted (the MODIFY that set ``deletedAt``), or None."""
    if record.event_name != DynamoDBRecordEventName.MODIFY:
        return None
    before, after = changes.old_image(record) or {}, changes.new_image(record) or {}
    if before.get("deletedAt") or not after.get("deletedAt"):
        return None
    return _profile_user_id(record)


def retire_deleted_users_posts(record: DynamoDBRecord) -> RetiredPosts | None:
    user_id = deleted_user_id(record)
    return RetiredPosts(user_id, retire_posts(user_id)) if user_id else None
