"""Audit records keep who, what and when for seven years, and no personal data in clear."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from devtools.iam import policy_templates, ssm_parameters
from spooky.models.audit import AuditModel
from spooky.settings import get_settings
from spooky_jobs import pseudonyms
from spooky_jobs.audit import audit_record
from tests.conftest import TEST_SECRET
from tests.unit.operations.test_audit import sample_record

USER_ID = "01JDQ7Z4X2M8K5V3N6P9R0T1WA"
PERSONAL = {
    "email": "morticia.addams@example.com",
    "name": "Morticia Frump Addams",
    "firstName": "Morticia",
    "lastName": "Frump",
    "image": "https://cdn.example.com/morticia.png",
    "stripeCustomerId": "cus_Morticia42",
}


def change(keys: dict[str, str], old: dict[str, Any] | None, new: dict[str, Any] | None) -> AuditModel:
    """A MODIFY (or INSERT/REMOVE when an image is missing) stream record of ``keys``, audited."""
    raw = copy.deepcopy(sample_record(1))
    raw["eventName"] = "MODIFY" if old and new else ("INSERT" if new else "REMOVE")
    raw["dynamodb"]["Keys"] = {name: {"S": value} for name, value in keys.items()}
    for field, image in (("OldImage", old), ("NewImage", new)):
        raw["dynamodb"].pop(field, None)
        if image is not None:
            raw["dynamodb"][field] = {
                name: {"S": value} if isinstance(value, str) else {"N": str(value)}
                for name, value in {**keys, **image}.items()
            }
    record = audit_record(DynamoDBRecord(raw))
    assert record is not None
    return record


def stored(record: AuditModel) -> str:
    return json.dumps(record.serialize())


def user_change(old: dict[str, Any] | None, new: dict[str, Any] | None) -> AuditModel:
    return change({"pk": f"USER#{USER_ID}", "sk": "PROFILE"}, old, new)


def test_a_users_email_names_image_and_customer_id_become_keyed_pseudonyms() -> None:
    base = {"id": USER_ID, "postCount": 3, "version": 4, "updatedAt": "2026-11-25T17:19:06.575000+0000"}
    record = user_change({**base, **PERSONAL}, {**base, **PERSONAL, "deletedAt": "2026-11-26T08:00:00Z"})

    for value in PERSONAL.values():
        assert value not in stored(record)
    key = pseudonyms.audit_key()
    after = record.images()[1]
    assert after is not None
    assert after["email"] == pseudonyms.pseudonym(PERSONAL["email"], key)
    # who, what and when stay in clear
    assert (record.entity, record.entity_id, record.user_id, record.action) == (
        "user",
        USER_ID,
        USER_ID,
        "soft_delete",
    )
    assert record.changed_fields == ["deletedAt"]
    assert (after["id"], after["postCount"], after["deletedAt"]) == (USER_ID, 3, "2026-11-26T08:00:00Z")
    assert record.pseudonym_key == pseudonyms.key_id(key)


def test_post_text_keeps_only_its_length_and_keyed_hash() -> None:
    post = {"id": "p1", "createdById": USER_ID}
    record = change(
        {"pk": "POST#p1", "sk": "POST"},
        {**post, "name": "Seance at midnight", "content": "Bring candles and Uncle Fester"},
        {**post, "name": "Seance at dawn", "content": "Bring candles and Uncle Fester"},
    )

    before, after = record.images()
    assert before is not None
    assert after is not None
    for words in ("Seance", "midnight", "dawn", "candles", "Fester"):
        assert words not in stored(record)
    assert after["name"].startswith("[TEXT length=14 HMAC ")
    assert before["content"] == after["content"]  # unchanged text, unchanged pseudonym
    assert record.changed_fields == ["name"]


def test_a_sessions_address_and_user_agent_are_pseudonymised() -> None:
    record = DynamoDBRecord(sample_record(2))
    audited = audit_record(record)
    assert audited is not None

    assert "198.51.100.7" not in stored(audited)
    assert "Mozilla" not in stored(audited)
    before = audited.images()[0]
    assert before is not None
    assert before["ipAddress"] == pseudonyms.pseudonym("198.51.100.7", pseudonyms.audit_key())
    assert (before["userId"], before["expiresAt"]) == (USER_ID, "2026-12-02T17:19:06.575000+0000")


def test_a_social_accounts_provider_id_is_pseudonymised_in_its_attribute_and_its_key() -> None:
    subject = "google-oauth2-subject-109876543210"
    keys = {"pk": f"USER#{USER_ID}", "sk": f"ACCOUNT#google#{subject}"}
    record = change(
        keys, None, {"id": "acc1", "userId": USER_ID, "providerId": "google", "accountId": subject}
    )

    assert subject not in stored(record)
    assert (record.entity, record.entity_id, record.user_id) == ("account", "acc1", USER_ID)


def test_an_attribute_not_known_to_be_harmless_is_pseudonymised() -> None:
    record = user_change(None, {"id": USER_ID, "bio": "Collector of rare nightshade"})

    assert "nightshade" not in stored(record)


def test_equal_values_correlate_under_one_key_and_not_across_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    first = user_change(None, {"id": USER_ID, "email": PERSONAL["email"]})
    second = user_change(
        {"id": USER_ID, "email": PERSONAL["email"]}, {"id": USER_ID, "email": "x@example.com"}
    )
    monkeypatch.setenv("AUTH_SECRET", "another-signing-secret-after-a-rotation-0123456789")
    get_settings.cache_clear()
    rotated = user_change(None, {"id": USER_ID, "email": PERSONAL["email"]})

    email = (first.images()[1] or {})["email"]

    assert (second.images()[0] or {})["email"] == email
    assert (rotated.images()[1] or {})["email"] != email
    assert rotated.pseudonym_key != first.pseudonym_key


def test_the_audit_key_is_derived_with_its_own_label_and_is_not_the_signing_secret() -> None:
    key = pseudonyms.audit_key()

    assert key == pseudonyms.derive_audit_key(TEST_SECRET.encode())
    assert len(key) == 32
    assert key != pseudonyms.derive_audit_key(b"another secret")


def test_the_audit_function_may_read_the_signing_secret_and_no_other_parameter() -> None:
    assert policy_templates("AuditStreamFunction") == []
    assert ssm_parameters("AuditStreamFunction") == [
        {
            "Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter"
            "${AuthSecretParameterName}"
        }
    ]
