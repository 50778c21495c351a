"""Retention: when TTL removes a soft-deleted user after the grace period, purge the rest of their data."""

from __future__ import annotations

from dataclasses import dataclass

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from spooky.models import keys
from spooky.repositories.retention import PurgeReport, purge_user_data
from spooky.services import changes


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
