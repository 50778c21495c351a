"""Items of the AuditTable: one immutable record per change of a user, post, session or account."""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    ListAttribute,
    MapAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)

from spooky.models.base import FromSettings, KeyedModel, TableMeta


def audit_table_meta() -> Any:
    class Meta(TableMeta):
        table_name = FromSettings(lambda s: s.audit_table_name)

    return Meta


class AuditModel(KeyedModel):
    """pk=<entity>#<id>, sk=<sortable time>#<stream event id>: one entity's history in time order.

    Written once (conditional put) by the audit stream function; nothing updates or deletes it
    but TTL, seven years later (docs/operations.md).
    """

    Meta = audit_table_meta()

    entity = UnicodeAttribute()
    entity_id = UnicodeAttribute(attr_name="entityId")
    # create | update | soft_delete | restore | delete | expire
    action = UnicodeAttribute()
    occurred_at = UTCDateTimeAttribute(attr_name="occurredAt")
    recorded_at = UTCDateTimeAttribute(attr_name="recordedAt")
    event_id = UnicodeAttribute(attr_name="eventId")
    event_name = UnicodeAttribute(attr_name="eventName")
    # Orders changes of one item that share a timestamp (stream sequence numbers grow per shard).
    sequence_number = UnicodeAttribute(attr_name="sequenceNumber", null=True)
    source_table = UnicodeAttribute(attr_name="sourceTable")
    # Whose data changed; the API only ever changes a user's own data.
    user_id = UnicodeAttribute(attr_name="userId", null=True)
    # Who changed it, when known (e.g. the DynamoDB service for TTL expiry).
    actor = UnicodeAttribute(null=True)
    request_id = UnicodeAttribute(attr_name="requestId", null=True)
    changed_fields = ListAttribute(of=UnicodeAttribute, attr_name="changedFields", default=list)
    # Item images, secrets redacted and personal data pseudonymised (spooky_jobs.audit.sanitise);
    # absent on create (before) and delete (after).
    before = MapAttribute[str, Any](null=True)
    after = MapAttribute[str, Any](null=True)
    # Which key made the images' pseudonyms (spooky_jobs.pseudonyms.key_id); absent on records
    # written before pseudonymisation, which migrations/0002 rewrites.
    pseudonym_key = UnicodeAttribute(attr_name="pseudonymKey", null=True)
    ttl = TTLAttribute()

    def images(self) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """``before`` and ``after`` as plain data."""
        before = self.before.as_dict() if self.before is not None else None
        after = self.after.as_dict() if self.after is not None else None
        return before, after

    def as_json(self) -> dict[str, Any]:
        """The record as an operator reads it."""
        before, after = self.images()
        return {
            "occurredAt": self.occurred_at.isoformat(),
            "action": self.action,
            "entity": self.entity,
            "entityId": self.entity_id,
            "userId": self.user_id,
            "actor": self.actor,
            "requestId": self.request_id,
            "changedFields": list(self.changed_fields or []),
            "before": before,
            "after": after,
            "eventId": self.event_id,
            "sourceTable": self.source_table,
            "pseudonymKey": self.pseudonym_key,
        }
