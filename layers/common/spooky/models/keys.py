"""Key builders: the only place that knows how ids become partition and sort keys."""

from __future__ import annotations

import hashlib
from datetime import datetime

PROFILE_SK = "PROFILE"
EMAIL_SK = "EMAIL"
POST_SK = "POST"
SESSION_PREFIX = "SESSION#"
# The user's session epoch (spooky.repositories.sessions): in the sessions' item collection, sorted
# before every SESSION#<id>, so one Query beginning with it reads the epoch and every session.
SESSION_EPOCH_SK = "SESSION"
ACCOUNT_PREFIX = "ACCOUNT#"
VERIFICATION_SK = "VERIFICATION"
# Verification items' partition keys embed a token hash: the audit log treats them as secrets.
VERIFICATION_PREFIX = "VERIFICATION#"
POST_PREFIX = "POST#"
# Posts of a deleted user, taken out of their listing (and the Timeline) until the purge.
RETIRED_POST_PREFIX = "RETIRED#"
# The Timeline's entity types (timeline_pk's ``kind``).
USERS_TIMELINE = "USERS"
POSTS_TIMELINE = "POSTS"
# Partitions of the Timeline index per entity type; a listing merges them (repositories/timeline.py).
# Users are spread over 4, so that no partition is hot. Posts share ONE partition, so that a feed page
# is one Query: their write ceiling is that of one index partition, about 1,000 WCU/s (docs/data-model.md).
# Changing a count re-keys the index: do it with a data migration (docs/operations.md).
TIMELINE_SHARDS = {USERS_TIMELINE: 4, POSTS_TIMELINE: 1}
# The feed's list of deleted users whose posts may still be on the Timeline (repositories/deleted_authors.py):
# one partition, its sort keys ordered by the time each entry stops hiding its user.
DELETED_AUTHORS_PK = "FEED#deleted-authors"
# Until the retention job has retired the user's posts; sorts after every timestamp, so it never lapses.
PENDING_DELETION_PREFIX = "PENDING#"
# The health check's probe: a key that never exists, in every table.
HEALTH_KEY = ("HEALTH#probe", "HEALTH")
MIGRATION_SK = "MIGRATION"


def sortable_time(moment: datetime) -> str:
    """Fixed-width UTC timestamp that sorts lexicographically in time order."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def shard_of(kind: str, entity_id: str) -> int:
    # A stable hash (not Python's salted hash()) so the shard never changes for an item.
    return int(hashlib.sha256(entity_id.encode()).hexdigest()[:8], 16) % TIMELINE_SHARDS[kind]


def user_pk(user_id: str) -> str:
    return f"USER#{user_id}"


def email_pk(normalized_email: str) -> str:
    return f"EMAIL#{normalized_email}"


def post_pk(post_id: str) -> str:
    return f"POST#{post_id}"


def account_sk(provider_id: str, account_id: str) -> str:
    return f"{ACCOUNT_PREFIX}{provider_id}#{account_id}"


def user_post_sk(created_at: datetime, post_id: str) -> str:
    return f"{POST_PREFIX}{sortable_time(created_at)}#{post_id}"


def retired_post_sk(user_post_sk: str) -> str:
    """UserPosts sort key of a deleted user's post: still under the user, outside POST#...PROFILE."""
    return RETIRED_POST_PREFIX + user_post_sk.removeprefix(POST_PREFIX)


def timeline_pk(kind: str, shard: int) -> str:
    return f"{kind}#{shard}"


def timeline_sk(created_at: datetime, entity_id: str) -> str:
    return f"{sortable_time(created_at)}#{entity_id}"


def timeline_key(kind: str, created_at: datetime, entity_id: str) -> tuple[str, str]:
    """gsi2pk and gsi2sk of an entity on the Timeline."""
    return timeline_pk(kind, shard_of(kind, entity_id)), timeline_sk(created_at, entity_id)


def deleted_author_sk(user_id: str, hidden_until: datetime | None = None) -> str:
    """A deleted author's entry: pending (no end) until their posts are retired, then until a time."""
    if hidden_until is None:
        return f"{PENDING_DELETION_PREFIX}{user_id}"
    return f"{sortable_time(hidden_until)}#{user_id}"


def deleted_author_id(sort_key: str) -> str:
    return sort_key.rsplit("#", 1)[-1]


def secret_hash(secret: str) -> str:
    """Tokens are stored only as their SHA-256: a leaked table cannot be replayed as sessions."""
    return hashlib.sha256(secret.encode()).hexdigest()


def session_sk(session_id: str) -> str:
    # Session ids are ULIDs: the user's item collection lists sessions oldest first.
    return f"{SESSION_PREFIX}{session_id}"


def verification_pk(identifier: str) -> str:
    return f"{VERIFICATION_PREFIX}{secret_hash(identifier)}"


def rate_limit_pk(scope: str, subject: str) -> str:
    return f"RATE#{scope}#{secret_hash(subject)}"


def audit_pk(entity: str, entity_id: str) -> str:
    """AuditTable: one partition per audited entity (``user``, ``post``, ``session``, ``account``)."""
    return f"{entity}#{entity_id}"


def audit_sk(occurred_at: datetime, event_id: str) -> str:
    """AuditTable: records in time order; the stream event id makes a redelivery write the same key."""
    return f"{sortable_time(occurred_at)}#{event_id}"


def migration_pk(migration_id: str) -> str:
    return f"MIGRATION#{migration_id}"
