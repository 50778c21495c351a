"""The audit log (AuditTable): append-only writes, reads per entity."""

from __future__ import annotations

from pynamodb.exceptions import PutError

from spooky.db.errors import is_condition_failure
from spooky.models import keys
from spooky.models.audit import AuditModel


def append(record: AuditModel) -> bool:
    """Store ``record`` unless a record with its key exists; False for such a duplicate.

    The key holds the stream event id, so a redelivered stream record finds its earlier write
    and changes nothing: retries never duplicate or overwrite history.
    """
    try:
        record.save(condition=AuditModel.pk.does_not_exist())
    except PutError as error:
        if is_condition_failure(error):
            return False
        raise
    return True


def history(entity: str, entity_id: str, limit: int | None = None) -> list[AuditModel]:
    """The records of one entity, oldest first (strongly consistent: an operator reads what was written)."""
    records = list(
        AuditModel.query(keys.audit_pk(entity, entity_id), consistent_read=True, limit=limit, page_size=limit)
    )
    # Records of one second sort by event id; the stream sequence number is the true order.
    return sorted(records, key=lambda record: (record.occurred_at, int(record.sequence_number or 0)))
