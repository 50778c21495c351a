"""Projections (the seed's `select`) and batch reads/writes on DynamoDB Local."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from spooky.clock import utcnow
from spooky.db.batch import BATCH_GET_LIMIT, batch_get, batch_write, raw_client
from spooky.db.observe import recording
from spooky.ids import new_id, new_token
from spooky.models import keys
from spooky.models.app import UserModel
from spooky.models.auth import VerificationModel
from spooky.repositories import users, verifications
from tests.support import factories
from tests.support.factories import make_user


def test_batch_get_with_a_projection_returns_only_the_requested_attributes_and_keys(
    local_tables: dict[str, str],
) -> None:
    ada, grace = make_user(name="Ada"), make_user(name="Grace")
    responses: list[dict[str, Any]] = []

    def keep(parsed: dict[str, Any], **_: Any) -> None:
        responses.append(parsed)

    events = raw_client(UserModel).meta.events
    events.register("after-call.dynamodb.BatchGetItem", keep)
    try:
        found = batch_get(UserModel, [UserModel.key(grace.id), UserModel.key(ada.id)], ["name", "email"])
    finally:
        events.unregister("after-call.dynamodb.BatchGetItem", keep)

    (items,) = [response["Responses"][local_tables["AppTable"]] for response in responses]
    assert sorted(sorted(item) for item in items) == [["email", "name", "pk", "sk"]] * 2
    # In the caller's order. Unread attributes are None, or the model's default: never save a projection back.
    assert [(user.name, user.email) for user in found] == [("Grace", grace.email), ("Ada", ada.email)]
    assert all(user.id is None and user.created_at is None for user in found)


def test_batch_get_skips_missing_keys_and_reads_over_100_keys_in_two_requests(
    local_tables: dict[str, str],
) -> None:
    user = make_user()
    wanted = [UserModel.key(new_id()) for _ in range(BATCH_GET_LIMIT)] + [UserModel.key(user.id)]
    with recording() as calls:
        found = batch_get(UserModel, wanted, ["name"])
    assert [item.pk for item in found] == [f"USER#{user.id}"]
    assert [call.operation for call in calls] == ["BatchGetItem", "BatchGetItem"]


def test_get_users_projects_name_and_email_of_live_users(local_tables: dict[str, str]) -> None:
    ada, gone = make_user(name="Ada"), make_user(name="Gone")
    factories.soft_delete_user(gone.id)
    found = users.get_users([ada.id, gone.id, new_id()], ["name", "email"])
    assert list(found) == [ada.id]
    assert (found[ada.id].name, found[ada.id].email) == ("Ada", ada.email)
    assert found[ada.id].created_at is None


def test_get_user_with_a_projection_reads_only_those_attributes(local_tables: dict[str, str]) -> None:
    ada = make_user(name="Ada")
    found = users.get_user(ada.id, ["name"])
    assert found is not None
    assert found.name == "Ada"
    assert found.email is None
    assert found.created_at is None


def test_batch_write_puts_and_deletes_in_chunks_of_25(local_tables: dict[str, str]) -> None:
    now = utcnow()
    identifiers = [new_token() for _ in range(30)]
    items = [
        VerificationModel(
            keys.verification_pk(identifier),
            keys.VERIFICATION_SK,
            id=new_id(),
            value=f"value {n}",
            expires_at=now + timedelta(hours=1),
            created_at=now,
            updated_at=now,
            ttl=now + timedelta(hours=1),
        )
        for n, identifier in enumerate(identifiers)
    ]
    with recording() as calls:
        batch_write(VerificationModel, puts=items)
    assert [call.operation for call in calls] == ["BatchWriteItem", "BatchWriteItem"]
    batch_write(VerificationModel, deletes=items[:29])
    spent = [verifications.consume_verification(identifier) for identifier in identifiers[28:]]
    assert [item.value if item else None for item in spent] == [
        None,
        "value 29",
    ]
