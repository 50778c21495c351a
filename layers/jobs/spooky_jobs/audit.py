"""The audit log: every change of a user, post, session or account, as an immutable record.

Records come from the tables' streams (so no write path can skip them), carry the item before and
after the change with secrets redacted and personal data pseudonymised, and are kept seven years,
long after the account itself is erased (docs/operations.md).
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any, NamedTuple

from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)

from spooky.clock import utcnow
from spooky.models import keys
from spooky.models.audit import AuditModel
from spooky_jobs import changes, pseudonyms
from spooky_jobs.repositories import audit as audit_repository

# Seven years, leap days included: the specification's audit retention.
AUDIT_RETENTION = timedelta(days=7 * 365 + 2)
REDACTED = "[REDACTED]"
# Password hashes, OAuth tokens and verification values never reach the audit log.
SECRET_FIELDS = frozenset(
    {"password", "accessToken", "refreshToken", "idToken", "token", "tokenHash", "value"}
)
# Keys that embed a token hash (keys.verification_pk) are secrets too.
SECRET_KEY_PREFIXES = (keys.VERIFICATION_PREFIX,)
KEY_FIELDS = ("pk", "sk", "gsi1pk", "gsi1sk")
# Who, what and when: ids, keys, timestamps, counters and flags, kept in clear for seven years.
# Every other attribute is personal data until listed here: an attribute added later is
# pseudonymised by default rather than kept in clear.
CLEAR_FIELDS = frozenset(
    {
        *KEY_FIELDS,
        "gsi2pk",
        "gsi2sk",
        "id",
        "userId",
        "createdById",
        "actorId",
        "requestId",
        "providerId",
        "scope",
        "emailVerified",
        "remember",
        "epoch",
        "postCount",
        "version",
        "createdAt",
        "updatedAt",
        "deletedAt",
        "expiresAt",
        "accessTokenExpiresAt",
        "refreshTokenExpiresAt",
        "ttl",
    }
)
# An account's sort key embeds the provider's account id (keys.account_sk), e.g. a Google subject.
PERSONAL_KEYS = {"account": frozenset({"sk"})}
# Free text: no words survive, only length and keyed hash (that it changed, and by how much).
TEXT_FIELDS = {"post": frozenset({"name", "content"})}
# Keeps a record well under DynamoDB's 400 KB item limit even with two large images.
MAX_STRING_LENGTH = 100_000


class Subject(NamedTuple):
    """The audited entity an item is, and whose data it is."""

    entity: str
    entity_id: str
    user_id: str | None


def subject_of(item_keys: dict[str, Any], image: dict[str, Any]) -> Subject | None:
    """users, posts, sessions (with "sessions": a revocation of all of a user's sessions, a write of
    their session epoch) and accounts are audited; email claims, tokens and counters are not."""
    pk, sk = str(item_keys.get("pk", "")), str(item_keys.get("sk", ""))
    user_prefix, post_prefix = keys.user_pk(""), keys.post_pk("")
    if pk.startswith(user_prefix) and sk == keys.PROFILE_SK:
        user_id = pk.removeprefix(user_prefix)
        return Subject("user", user_id, user_id)
    if pk.startswith(user_prefix) and sk.startswith(keys.ACCOUNT_PREFIX):
        user_id = pk.removeprefix(user_prefix)
        return Subject("account", str(image.get("id") or sk), user_id)
    if pk.startswith(post_prefix) and sk == keys.POST_SK:
        return Subject("post", pk.removeprefix(post_prefix), _optional(image.get("createdById")))
    if pk.startswith(user_prefix) and sk == keys.SESSION_EPOCH_SK:
        user_id = pk.removeprefix(user_prefix)
        return Subject("sessions", user_id, user_id)
    if pk.startswith(user_prefix) and sk.startswith(keys.SESSION_PREFIX):
        return Subject("session", sk.removeprefix(keys.SESSION_PREFIX), pk.removeprefix(user_prefix))
    return None


def _optional(value: Any) -> str | None:
    return str(value) if value else None


def _shorten(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_STRING_LENGTH:
        digest = hashlib.sha256(value.encode()).hexdigest()
        return f"[TRUNCATED length={len(value)} sha256={digest}]"
    return value


def _is_secret(name: str, value: Any) -> bool:
    return name in SECRET_FIELDS or (
        name in KEY_FIELDS and isinstance(value, str) and value.startswith(SECRET_KEY_PREFIXES)
    )


def _sanitised(entity: str, name: str, value: Any, key: bytes) -> Any:
    if _is_secret(name, value):
        return REDACTED
    plain = changes.plain(value)
    if plain is None:
        return None  # an absent value says nothing about anyone
    if name in TEXT_FIELDS.get(entity, ()):
        return pseudonyms.text_pseudonym(plain, key)
    if name in CLEAR_FIELDS and name not in PERSONAL_KEYS.get(entity, ()):
        return _shorten(plain)
    return pseudonyms.pseudonym(plain, key)


def sanitise(entity: str, image: dict[str, Any], key: bytes) -> dict[str, Any]:
    """The image as plain data fit to keep for seven years.

    Secrets become a marker and personal data a keyed pseudonym: a change to either stays visible
    (changedFields) but not the value.
    """
    return {name: _sanitised(entity, name, value, key) for name, value in image.items()}


def changed_fields(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    old, new = before or {}, after or {}
    return sorted(name for name in old.keys() | new.keys() if old.get(name) != new.get(name))


def action_of(record: DynamoDBRecord, before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    if record.event_name == DynamoDBRecordEventName.INSERT:
        return "create"
    if record.event_name == DynamoDBRecordEventName.REMOVE:
        return "expire" if changes.is_ttl_expiry(record) else "delete"
    was_deleted, is_deleted = bool((before or {}).get("deletedAt")), bool((after or {}).get("deletedAt"))
    if is_deleted and not was_deleted:
        return "soft_delete"
    if was_deleted and not is_deleted:
        return "restore"
    return "update"


def audit_record(record: DynamoDBRecord) -> AuditModel | None:
    """The audit record of a stream record, or None when the item is not an audited entity."""
    before, after = changes.old_image(record), changes.new_image(record)
    subject = subject_of(changes.keys_of(record), after or before or {})
    if subject is None or record.event_id is None or record.event_name is None:
        return None
    when = changes.occurred_at(record)
    ttl_expiry = changes.is_ttl_expiry(record)
    key = pseudonyms.audit_key()
    return AuditModel(
        keys.audit_pk(subject.entity, subject.entity_id),
        keys.audit_sk(when, record.event_id),
        entity=subject.entity,
        entity_id=subject.entity_id,
        action=action_of(record, before, after),
        occurred_at=when,
        recorded_at=utcnow(),
        event_id=record.event_id,
        event_name=record.event_name.name,
        sequence_number=record.dynamodb.sequence_number if record.dynamodb else None,
        source_table=changes.source_table(record),
        user_id=subject.user_id,
        # A removal's old image names the item's last writer, not the remover: unknown then.
        actor=changes.TTL_PRINCIPAL if ttl_expiry else _optional((after or {}).get("actorId")),
        request_id=_optional((after or {}).get("requestId")),
        changed_fields=changed_fields(before, after),
        before=sanitise(subject.entity, before, key) if before is not None else None,
        after=sanitise(subject.entity, after, key) if after is not None else None,
        pseudonym_key=pseudonyms.key_id(key),
        ttl=when + AUDIT_RETENTION,
    )


def record_change(record: DynamoDBRecord) -> bool:
    """Append the audit record of ``record``; False when there is nothing to audit or it is a redelivery."""
    entry = audit_record(record)
    return entry is not None and audit_repository.append(entry)
