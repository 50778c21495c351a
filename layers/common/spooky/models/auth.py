"""Items of the AuthTable: sessions, verification tokens and rate-limit counters; all expire via TTL."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, TTLAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from spooky.models.base import KeyedModel, auth_table_meta


class UserSessionsIndex(GlobalSecondaryIndex["SessionModel"]):
    """gsi1: the sessions of one user, oldest first."""

    class Meta:
        index_name = "UserSessions"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class SessionModel(KeyedModel):
    """pk=SESSION#<sha256(token)>, sk=SESSION. The token itself is never stored."""

    Meta = auth_table_meta()

    id = UnicodeAttribute()
    user_id = UnicodeAttribute(attr_name="userId")
    expires_at = UTCDateTimeAttribute(attr_name="expiresAt")
    ip_address = UnicodeAttribute(attr_name="ipAddress", null=True)
    user_agent = UnicodeAttribute(attr_name="userAgent", null=True)
    created_at = UTCDateTimeAttribute(attr_name="createdAt")
    updated_at = UTCDateTimeAttribute(attr_name="updatedAt")
    # Equal to expiresAt: DynamoDB removes the item some time after; reads check expiresAt themselves.
    ttl = TTLAttribute()
    gsi1pk = UnicodeAttribute()
    gsi1sk = UnicodeAttribute()

    user_sessions = UserSessionsIndex()


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
