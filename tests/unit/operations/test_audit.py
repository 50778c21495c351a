"""The audit log: what each kind of change records, what it never records, and that nothing repeats."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from boto3.dynamodb.types import Binary

from devtools.functions import load_handler
from devtools.lambda_context import LocalLambdaContext
from devtools.template import ROOT
from spooky.models.audit import AuditModel
from spooky_jobs import pseudonyms
from spooky_jobs.audit import AUDIT_RETENTION, MAX_STRING_LENGTH, REDACTED, audit_record, record_change
from spooky_jobs.changes import plain
from spooky_jobs.repositories import audit as audit_repository
from tests.support.emf import emitted


def sample_event(name: str = "audit_stream") -> dict[str, Any]:
    event: dict[str, Any] = json.loads((ROOT / "events" / f"{name}.json").read_text())
    return event


def sample_record(index: int, name: str = "audit_stream") -> dict[str, Any]:
    record: dict[str, Any] = sample_event(name)["Records"][index]
    return record


def audited(raw: dict[str, Any]) -> AuditModel:
    record = audit_record(DynamoDBRecord(raw))
    assert record is not None
    return record


def image(stored: Any) -> dict[str, Any]:
    """An audit image as plain data (it must be there)."""
    assert stored is not None
    plain: dict[str, Any] = stored.as_dict()
    return plain


def account_change(old_password: str, new_password: str) -> dict[str, Any]:
    raw = copy.deepcopy(sample_record(1))
    base = {
        "pk": {"S": "USER#u1"},
        "sk": {"S": "ACCOUNT#credential#u1"},
        "id": {"S": "acc1"},
        "userId": {"S": "u1"},
        "providerId": {"S": "credential"},
        "accountId": {"S": "u1"},
        "accessToken": {"S": "ya29.secret-access-token"},
        "updatedAt": {"S": "2026-11-25T17:00:00.000000+0000"},
    }
    raw["dynamodb"]["Keys"] = {"pk": base["pk"], "sk": base["sk"]}
    raw["dynamodb"]["OldImage"] = {**base, "password": {"S": old_password}}
    raw["dynamodb"]["NewImage"] = {**base, "password": {"S": new_password}}
    return raw


def test_a_new_user_is_recorded_as_created_by_its_owner() -> None:
    record = audited(sample_record(0))

    assert (record.entity, record.action, record.user_id) == ("user", "create", record.entity_id)
    assert record.pk == f"user#{record.entity_id}"
    assert record.sk.endswith(f"#{sample_record(0)['eventID']}")
    assert record.before is None
    assert image(record.after)["name"] == pseudonyms.pseudonym("Casper", pseudonyms.audit_key())
    assert record.ttl == record.occurred_at + AUDIT_RETENTION


def test_an_edit_keeps_both_versions_and_names_the_changed_fields() -> None:
    record = audited(sample_record(1))

    assert (record.entity, record.action) == ("post", "update")
    assert record.user_id == "01JDQ7Z4X2M8K5V3N6P9R0T1WA"
    assert record.changed_fields == ["content", "name", "updatedAt", "version"]
    # The edit is visible (length and keyed hash differ), the words are not.
    assert image(record.before)["name"].startswith("[TEXT length=23 HMAC ")
    assert image(record.after)["name"].startswith("[TEXT length=28 HMAC ")


def test_a_revoked_session_is_recorded_without_its_token_hash() -> None:
    raw = sample_record(2)
    record = audited(raw)

    assert (record.entity, record.entity_id, record.action) == (
        "session",
        "01JDQ7Z9S2E3S4S5I6O7N8I9D0",
        "delete",
    )
    assert image(record.before)["tokenHash"] == REDACTED
    assert raw["dynamodb"]["OldImage"]["tokenHash"]["S"] not in json.dumps(record.serialize())


def test_a_password_change_is_visible_but_no_hash_or_token_is_kept() -> None:
    record = audited(account_change("$argon2id$v=19$old-hash", "$argon2id$v=19$new-hash"))

    assert (record.entity, record.entity_id, record.user_id) == ("account", "acc1", "u1")
    assert "password" in record.changed_fields
    stored = json.dumps(record.serialize())
    for secret in ("old-hash", "new-hash", "secret-access-token"):
        assert secret not in stored
    assert image(record.after)["password"] == REDACTED


def test_soft_delete_and_ttl_expiry_are_told_apart_from_deletes() -> None:
    expiry = audited(sample_record(0, "retention_purge"))
    soft_delete = copy.deepcopy(sample_record(0))
    soft_delete["eventName"] = "MODIFY"
    soft_delete["dynamodb"]["OldImage"] = soft_delete["dynamodb"]["NewImage"]
    soft_delete["dynamodb"]["NewImage"] = {
        **soft_delete["dynamodb"]["NewImage"],
        "deletedAt": {"S": "2026-11-25T18:00:00.000000+0000"},
    }

    assert (expiry.action, expiry.actor) == ("expire", "dynamodb.amazonaws.com")
    assert audited(soft_delete).action == "soft_delete"


@pytest.mark.parametrize(
    "keys",
    [
        {"pk": {"S": "EMAIL#casper@example.com"}, "sk": {"S": "EMAIL"}},
        {"pk": {"S": "VERIFICATION#0123abcd"}, "sk": {"S": "VERIFICATION"}},
        {"pk": {"S": "RATE#sign-in#0123abcd"}, "sk": {"S": "2026-11-25T17:00"}},
        {"pk": {"S": "MIGRATION#0001_backfill_user_post_count"}, "sk": {"S": "MIGRATION"}},
    ],
)
def test_items_outside_the_audited_entities_are_skipped(keys: dict[str, Any]) -> None:
    raw = copy.deepcopy(sample_record(0))
    raw["dynamodb"]["Keys"] = keys
    raw["dynamodb"]["NewImage"] = {**keys, "value": {"S": "secret"}}

    assert audit_record(DynamoDBRecord(raw)) is None


def test_huge_values_are_replaced_by_their_hash() -> None:
    raw = account_change("old", "new")
    raw["dynamodb"]["NewImage"]["scope"] = {"S": "x" * (MAX_STRING_LENGTH + 1)}

    assert image(audited(raw).after)["scope"].startswith(f"[TRUNCATED length={MAX_STRING_LENGTH + 1} sha256=")


def test_a_redelivered_record_is_stored_once(moto_tables: dict[str, str]) -> None:
    record = DynamoDBRecord(sample_record(1))

    assert record_change(record) is True
    assert record_change(record) is False
    assert len(audit_repository.history("post", "01JDQ80B3C4D5E6F7G8H9J0K1M")) == 1


def test_history_is_in_the_order_of_the_stream(moto_tables: dict[str, str]) -> None:
    first, second = copy.deepcopy(sample_record(1)), copy.deepcopy(sample_record(1))
    # Same second; the event ids sort the other way round than the sequence numbers.
    first["eventID"], second["eventID"] = "ffff", "0000"
    second["dynamodb"]["SequenceNumber"] = "999900000000012345678902"
    for raw in (second, first):
        record_change(DynamoDBRecord(raw))

    records = audit_repository.history("post", "01JDQ80B3C4D5E6F7G8H9J0K1M")
    assert [record.event_id for record in records] == ["ffff", "0000"]


def test_the_stream_function_reports_only_the_failed_record(
    moto_tables: dict[str, str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    handler = load_handler("AuditStreamFunction")
    real_append = audit_repository.append

    def failing_for_posts(record: AuditModel) -> bool:
        if record.entity == "post":
            raise RuntimeError("throttled")
        return real_append(record)

    monkeypatch.setattr(audit_repository, "append", failing_for_posts)
    response = handler(sample_event(), LocalLambdaContext("AuditStreamFunction"))

    failed = sample_record(1)["dynamodb"]["SequenceNumber"]
    assert response == {"batchItemFailures": [{"itemIdentifier": failed}]}
    assert sum(emitted(capsys.readouterr().out)["AuditRecordsWritten"]) == 2

    monkeypatch.setattr(audit_repository, "append", real_append)
    retried = handler(sample_event(), LocalLambdaContext("AuditStreamFunction"))

    assert retried == {"batchItemFailures": []}
    assert sum(emitted(capsys.readouterr().out)["AuditRecordsWritten"]) == 1
    assert len(audit_repository.history("user", "01JDQ7Z4X2M8K5V3N6P9R0T1WA")) == 1


def test_binary_values_are_base64_whichever_deserializer_read_them() -> None:
    # Powertools' stream records hold bytes; boto3's TypeDeserializer wraps them in Binary.
    assert plain({"raw": b"\x00\xff", "wrapped": Binary(b"\x00\xff")}) == {"raw": "AP8=", "wrapped": "AP8="}
