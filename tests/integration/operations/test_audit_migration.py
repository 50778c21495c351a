"""migrations/0002: audit records written before pseudonymisation lose their personal data too."""

from __future__ import annotations

import json
from typing import Any

import pytest

from devtools.migrations import MigrationFile, Runner, discover, load
from spooky.clock import utcnow
from spooky.ids import new_id
from spooky.models.audit import AuditModel
from spooky_jobs import pseudonyms
from spooky_jobs.audit import AUDIT_RETENTION
from spooky_jobs.repositories.audit import history
from tests.integration.conftest import LocalDynamo
from tests.integration.operations.test_audit_log import audit_items


@pytest.fixture
def pseudonymise_migration() -> MigrationFile:
    return next(file for file in discover() if file.id == "0002_pseudonymise_audit_records")


def legacy_record(entity: str, entity_id: str, after: dict[str, Any]) -> AuditModel:
    """A record as the audit function wrote it before pseudonymisation: images in clear, no key id."""
    event_id = new_id()
    record = AuditModel(
        f"{entity}#{entity_id}",
        f"2026-01-01T00:00:00.000000Z#{event_id}",
        entity=entity,
        entity_id=entity_id,
        action="create",
        occurred_at=utcnow(),
        recorded_at=utcnow(),
        event_id=event_id,
        event_name="INSERT",
        source_table="AppTable",
        user_id="u1",
        after=after,
        ttl=utcnow() + AUDIT_RETENTION,
    )
    record.save()
    return record


def test_the_migration_pseudonymises_records_written_before(
    fresh_tables: dict[str, str], local_dynamo: LocalDynamo, pseudonymise_migration: MigrationFile
) -> None:
    email, content = "wednesday@example.com", "Nightshade and other pets"
    legacy_record("user", "u1", {"id": "u1", "email": email, "name": "Wednesday", "postCount": 2})
    post = legacy_record("post", "p1", {"id": "p1", "createdById": "u1", "name": "Pets", "content": content})
    raw_items = audit_items(fresh_tables, local_dynamo)

    dry = Runner(segments=2).run(pseudonymise_migration, dry_run=True)
    applied = Runner(segments=2).run(pseudonymise_migration)

    assert (dry.changed, applied.changed) == (2, 2)
    # A page replayed after a crash rewrites nothing twice.
    assert not any(load(pseudonymise_migration).apply(raw) for raw in raw_items)
    stored = json.dumps(audit_items(fresh_tables, local_dynamo))
    for value in (email, "Wednesday", "Nightshade", "Pets"):
        assert value not in stored
    key = pseudonyms.audit_key()
    (user_after,) = [record.images()[1] for record in history("user", "u1")]
    assert user_after == {
        "id": "u1",
        "email": pseudonyms.pseudonym(email, key),
        "name": pseudonyms.pseudonym("Wednesday", key),
        "postCount": 2,
    }
    (post_record,) = history("post", "p1")
    assert (post_record.action, post_record.user_id, post_record.occurred_at) == (
        "create",
        "u1",
        post.occurred_at,
    )
    assert post_record.pseudonym_key == pseudonyms.key_id(key)
