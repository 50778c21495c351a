"""Items of the AppTable: users, email claims, accounts and posts. Key design: docs/data-model.md."""

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
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex

from spooky.models import keys
from spooky.models.base import KeyedModel, app_table_meta


class UserPostsIndex(GlobalSecondaryIndex["UserModel | PostModel"]):
    """gsi1: a user's profile item followed by their posts, newest first."""

    class Meta:
        index_name = "UserPosts"
        projection = AllProjection()

    gsi1pk = UnicodeAttribute(hash_key=True)
    gsi1sk = UnicodeAttribute(range_key=True)


class TimelineIndex(GlobalSecondaryIndex["UserModel | PostModel"]):
    """gsi2: users and posts by creation time, spread over a few shards to avoid a hot partition."""

    class Meta:
        index_name = "Timeline"
        projection = AllProjection()

    gsi2pk = UnicodeAttribute(hash_key=True)
    gsi2sk = UnicodeAttribute(range_key=True)


class SoftDeletedIndexed:
    """What users and posts share: timestamps, soft delete with a TTL, an explicit version, and keys in
    the UserPosts (gsi1) and Timeline (gsi2) indexes.

    A mixin, not a model: PynamoDB collects the attributes of every class in a model's MRO. The indexes
    are declared by each model, since PynamoDB binds an index object to one model class.
    """

    created_at = UTCDateTimeAttribute(attr_name="createdAt")
    updated_at = UTCDateTimeAttribute(attr_name="updatedAt")
    deleted_at = UTCDateTimeAttribute(attr_name="deletedAt", null=True)
    # Set on soft delete: TTL purges the item after the grace period (docs/operations.md).
    ttl = TTLAttribute(null=True)
    # Incremented by every write (optimistic concurrency); managed explicitly, see docs/data-model.md.
    version = NumberAttribute(default=1)
    # Index keys; removed on soft delete so the item leaves every index (sparse indexes).
    gsi1pk = UnicodeAttribute(null=True)
    gsi1sk = UnicodeAttribute(null=True)
    gsi2pk = UnicodeAttribute(null=True)
    gsi2sk = UnicodeAttribute(null=True)

    @staticmethod
    def first_version(now: datetime, gsi1: tuple[str, str], gsi2: tuple[str, str]) -> dict[str, Any]:
        """The shared attributes of a new user or post: created and updated ``now``, version 1, listed
        under ``gsi1`` (UserPosts) and ``gsi2`` (Timeline) keys."""
        return {
            "created_at": now,
            "updated_at": now,
            "version": 1,
            "gsi1pk": gsi1[0],
            "gsi1sk": gsi1[1],
            "gsi2pk": gsi2[0],
            "gsi2sk": gsi2[1],
        }


class UserModel(SoftDeletedIndexed, KeyedModel):
    """pk=USER#<id>, sk=PROFILE."""

    Meta = app_table_meta()

    id = UnicodeAttribute()
    name = UnicodeAttribute()
    email = UnicodeAttribute()
    email_verified = BooleanAttribute(attr_name="emailVerified", default=False)
    image = UnicodeAttribute(null=True)
    first_name = UnicodeAttribute(attr_name="firstName", null=True)
    last_name = UnicodeAttribute(attr_name="lastName", null=True)
    stripe_customer_id = UnicodeAttribute(attr_name="stripeCustomerId", null=True)
    post_count = NumberAttribute(attr_name="postCount", default=0)

    user_posts = UserPostsIndex()
    timeline = TimelineIndex()

    @classmethod
    def key(cls, user_id: str) -> tuple[str, str]:
        return keys.user_pk(user_id), keys.PROFILE_SK


class EmailClaimModel(KeyedModel):
    """pk=EMAIL#<normalised email>, sk=EMAIL: makes the email unique (claimed in the sign-up transaction)."""

    Meta = app_table_meta()

    user_id = UnicodeAttribute(attr_name="userId")
    # A copy of the user's emailVerified, written in the same transactions: unsigned requests for a
    # verification email learn from the claim alone whether one is due. Absent on older claims.
    email_verified = BooleanAttribute(attr_name="emailVerified", null=True)
    created_at = UTCDateTimeAttribute(attr_name="createdAt")

    @classmethod
    def key(cls, normalized_email: str) -> tuple[str, str]:
        return keys.email_pk(normalized_email), keys.EMAIL_SK


class AccountModel(KeyedModel):
    """pk=USER#<userId>, sk=ACCOUNT#<providerId>#<accountId> (Better Auth's account table)."""

    Meta = app_table_meta()

    id = UnicodeAttribute()
    account_id = UnicodeAttribute(attr_name="accountId")
    provider_id = UnicodeAttribute(attr_name="providerId")
    user_id = UnicodeAttribute(attr_name="userId")
    access_token = UnicodeAttribute(attr_name="accessToken", null=True)
    refresh_token = UnicodeAttribute(attr_name="refreshToken", null=True)
    id_token = UnicodeAttribute(attr_name="idToken", null=True)
    access_token_expires_at = UTCDateTimeAttribute(attr_name="accessTokenExpiresAt", null=True)
    refresh_token_expires_at = UTCDateTimeAttribute(attr_name="refreshTokenExpiresAt", null=True)
    scope = UnicodeAttribute(null=True)
    password = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute(attr_name="createdAt")
    updated_at = UTCDateTimeAttribute(attr_name="updatedAt")
    ttl = TTLAttribute(null=True)

    @classmethod
    def key(cls, user_id: str, provider_id: str, account_id: str) -> tuple[str, str]:
        return keys.user_pk(user_id), keys.account_sk(provider_id, account_id)


class PostModel(SoftDeletedIndexed, KeyedModel):
    """pk=POST#<id>, sk=POST; indexed under its author (gsi1) and on the timeline (gsi2)."""

    Meta = app_table_meta()

    id = UnicodeAttribute()
    name = UnicodeAttribute()
    content = UnicodeAttribute(null=True)
    created_by_id = UnicodeAttribute(attr_name="createdById")
    # The author as the feed shows them, so that one Query serves a feed page: written with the post
    # (conditional on the author still having them) and kept in step after a rename by the stream job
    # (spooky_jobs/authors.py). None on posts older than migration 0003 until it runs.
    author_name = UnicodeAttribute(attr_name="authorName", null=True)
    author_email = UnicodeAttribute(attr_name="authorEmail", null=True)

    user_posts = UserPostsIndex()
    timeline = TimelineIndex()

    @classmethod
    def key(cls, post_id: str) -> tuple[str, str]:
        return keys.post_pk(post_id), keys.POST_SK


class DeletedAuthorModel(KeyedModel):
    """pk=FEED#deleted-authors, sk=PENDING#<userId> from the user's soft delete until the retention job
    has retired their posts, then sk=<hiddenUntil>#<userId> for a grace period: the feed hides the posts
    of every user listed (repositories/deleted_authors.py)."""

    Meta = app_table_meta()

    user_id = UnicodeAttribute(attr_name="userId")
    deleted_at = UTCDateTimeAttribute(attr_name="deletedAt")
    # Only on entries with an end: TTL tidies them up after it (reads never depend on TTL).
    ttl = TTLAttribute(null=True)

    @classmethod
    def key(cls, user_id: str, hidden_until: datetime | None = None) -> tuple[str, str]:
        return keys.DELETED_AUTHORS_PK, keys.deleted_author_sk(user_id, hidden_until)
