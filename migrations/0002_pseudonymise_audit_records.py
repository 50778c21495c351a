"""Pseudonymise audit records written before personal data was: their images still hold it in clear.

Records without ``pseudonymKey`` come from before the change; each one's images go through the same
``sanitise`` as new records (secrets stay redacted, personal data becomes keyed pseudonyms) and the
record gains ``pseudonymKey``. The write is conditional on ``pseudonymKey`` still missing, so a
replayed page changes nothing twice and a rerun scans past every rewritten record.

This is the one write to the audit log outside the stream function: an operator's credentials run
it (docs/operations.md, "Records written before pseudonymisation"), and it only ever replaces the
``before``/``after`` images, never the who, what and when.
"""

from __future__ import annotations

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from devtools.migrations import DataMigration, RawItem
from spooky.models.audit import AuditModel
from spooky_jobs import pseudonyms
from spooky_jobs.audit import sanitise


class Migration(DataMigration):
    model = AuditModel

    def scan_filter(self) -> Condition | None:
        condition: Condition = AuditModel.pseudonym_key.does_not_exist()
        return condition

    def needs_change(self, item: RawItem) -> bool:
        return "pseudonymKey" not in item

    def apply(self, item: RawItem) -> bool:
        record = AuditModel.from_raw_data(item)
        key = pseudonyms.audit_key()
        actions: list[Action] = [AuditModel.pseudonym_key.set(pseudonyms.key_id(key))]
        for attribute, image in zip((AuditModel.before, AuditModel.after), record.images(), strict=True):
            if image is not None:
                actions.append(attribute.set(sanitise(record.entity, image, key)))
        try:
            AuditModel(record.pk, record.sk).update(
                actions, condition=AuditModel.pk.exists() & AuditModel.pseudonym_key.does_not_exist()
            )
        except UpdateError as error:
            if error.cause_response_code == "ConditionalCheckFailedException":
                return False  # rewritten by an earlier run, or expired meanwhile
            raise
        return True
