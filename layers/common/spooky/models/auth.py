"""Items of the AuthTable: sessions, verification tokens and rate-limit counters; all expire via TTL."""

from __future__ import annotations

from pynamodb.attributes import (
    BooleanAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from spooky.models import keys
from spooky.models.base import KeyedModel, auth_table_meta


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
    ip_address = UnicodeAttribute(attr_name="ipAddress", null=True)
    user_agent = UnicodeAttribute(attr_name="userAgent", null=True)
    created_at = UTCDateTimeAttribute(attr_name="createdAt")
    updated_at = UTCDateTimeAttribute(attr_name="updatedAt")
    # Equal to expiresAt: DynamoDB removes the item some time after; reads check expiresAt themselves.
    ttl = TTLAttribute()

    @classmethod
    def key(cls, user_id: str, session_id: str) -> tuple[str, str]:
        return keys.user_pk(user_id), keys.session_sk(session_id)


class VerificationModel(KeyedModel):
    """pk=VERIFICATION#<sha256(identifier)>, sk=VERIFICATION (Better Auth's verification table)."""

    Meta = auth_table_meta()

    id = UnicodeAttribute()
    value = UnicodeAttribute()
    expires_at = UTCDateTimeAttribute(attr_name="expiresAt")
    created_at = UTCDateTimeAttribute(attr_name="createdAt")
    updated_at = UTCDateTimeAttribute(attr_name="updatedAt")
    ttl = TTLAttribute()


class RateLimitModel(KeyedModel):
    """pk=RATE#<scope>#<sha256(subject)>, sk=<window start>: an atomic counter per fixed window."""

    Meta = auth_table_meta()

    hits = NumberAttribute(attr_name="count", default=0)
    ttl = TTLAttribute()
