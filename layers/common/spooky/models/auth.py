"""Items of the AuthTable: sessions, verification tokens and rate-limit counters; all expire via TTL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from spooky.models import keys
from spooky.models.base import KeyedModel, auth_table_meta


def expiring(now: datetime, expires_at: datetime) -> dict[str, Any]:
    """The shared attributes of a new session or verification: created ``now``, expiring (and removed
    by TTL) at ``expires_at``."""
    return {"expires_at": expires_at, "created_at": now, "updated_at": now, "ttl": expires_at}


class SessionModel(KeyedModel):
    """pk=USER#<userId>, sk=SESSION#<id>: a user's sessions are one item collection.

    Listing and revoking them is a strongly consistent Query of that collection (no index lag), and
    the session token names its item (spooky.auth.session_tokens). The token itself is never stored:
    ``tokenHash`` is its SHA-256, compared on every lookup.
    """

    Meta = auth_table_meta()

    id = UnicodeAttribute()
    user_id = UnicodeAttribute(attr_name="userId")
    token_hash = UnicodeAttribute(attr_name="tokenHash")
    expires_at = UTCDateTimeAttribute(attr_name="expiresAt")
    # rememberMe: false sessions last a day and are never extended, whatever cookies a client sends.
    remember = BooleanAttribute(default=True)
    # The user's session epoch when the session opened: it lives while that is still the epoch.
    epoch = UnicodeAttribute(null=True)
    ip_address = UnicodeAttribute(attr_name="ipAddress", null=True)
    user_agent = UnicodeAttribute(attr_name="userAgent", null=True)
    created_at = UTCDateTimeAttribute(attr_name="createdAt")
    updated_at = UTCDateTimeAttribute(attr_name="updatedAt")
    # Equal to expiresAt: DynamoDB removes the item some time after; reads check expiresAt themselves.
    ttl = TTLAttribute()

    @classmethod
    def key(cls, user_id: str, session_id: str) -> tuple[str, str]:
        return keys.user_pk(user_id), keys.session_sk(session_id)


class SessionEpochModel(KeyedModel):
    """pk=USER#<userId>, sk=SESSION: the user's session epoch.

    A session is alive only while its ``epoch`` equals this item's (both absent for users who never
    revoked all their sessions). Revoking every session of a user, however many, is one write of a
    new epoch here: the authorizer reads this item with the session and the user, in its one
    BatchGetItem, and refuses sessions of an older epoch; their items expire by TTL.
    """

    Meta = auth_table_meta()

    epoch = UnicodeAttribute()
    updated_at = UTCDateTimeAttribute(attr_name="updatedAt")

    @classmethod
    def key(cls, user_id: str) -> tuple[str, str]:
        return keys.user_pk(user_id), keys.SESSION_EPOCH_SK


class VerificationModel(KeyedModel):
    """pk=VERIFICATION#<sha256(identifier)>, sk=VERIFICATION (Better Auth's verification table)."""

    Meta = auth_table_meta()

    id = UnicodeAttribute()
    value = UnicodeAttribute()
    # Email verifications: the address being verified (its claim's copy of emailVerified is set too).
    email = UnicodeAttribute(null=True)
    expires_at = UTCDateTimeAttribute(attr_name="expiresAt")
    created_at = UTCDateTimeAttribute(attr_name="createdAt")
    updated_at = UTCDateTimeAttribute(attr_name="updatedAt")
    ttl = TTLAttribute()


class RateLimitModel(KeyedModel):
    """pk=RATE#<scope>#<sha256(subject)>, sk=<window start>: an atomic counter per fixed window."""

    Meta = auth_table_meta()

    hits = NumberAttribute(attr_name="count", default=0)
    ttl = TTLAttribute()
