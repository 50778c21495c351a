"""The audit log end to end: real writes on DynamoDB Local, its streams, the audit stream function."""

from __future__ import annotations

import json
from typing import Any

import pytest

from devtools import audit as audit_command
from devtools.functions import load_handler
from devtools.lambda_context import LocalLambdaContext
from spooky.ids import new_id
from spooky.repositories import posts, sessions, users
from spooky.schemas.posts import NewPost, PostChanges
from spooky.schemas.users import NewUser, UserChanges
from spooky_jobs import pseudonyms
from spooky_jobs.repositories.audit import history
from tests.integration.conftest import LocalDynamo
from tests.support import factories
from tests.support.client import call
from tests.support.factories import open_session
from tests.support.streams import TableStream, lambda_event

OLD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$old-salt$old-password-hash"
NEW_HASH = "$argon2id$v=19$m=65536,t=3,p=4$new-salt$new-password-hash"


class Streams:
    def __init__(self, endpoint: str, tables: dict[str, str]) -> None:
        self.tables = [TableStream(endpoint, tables[name]) for name in ("AppTable", "AuthTable")]
        self.delivered: list[dict[str, Any]] = []

    def deliver(self, records: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """New stream records (or ``records`` again) through the audit function, as one batch."""
        if records is None:
            records = [record for stream in self.tables for record in stream.read()]
            self.delivered.extend(records)
        response: dict[str, Any] = load_handler("AuditStreamFunction")(
            lambda_event(records), LocalLambdaContext("AuditStreamFunction")
        )
        return response


@pytest.fixture
def streams(fresh_tables: dict[str, str], local_dynamo: LocalDynamo) -> Streams:
    return Streams(local_dynamo.endpoint, fresh_tables)


def audit_items(fresh_tables: dict[str, str], local_dynamo: LocalDynamo) -> list[dict[str, Any]]:
    client: Any = local_dynamo.client()
    items: list[dict[str, Any]] = client.scan(TableName=fresh_tables["AuditTable"], ConsistentRead=True)[
        "Items"
    ]
    return items


def actions(entity: str, entity_id: str) -> list[str]:
    return [record.action for record in history(entity, entity_id)]


def test_every_change_of_users_posts_sessions_and_accounts_is_audited_without_secrets(
    streams: Streams, fresh_tables: dict[str, str], local_dynamo: LocalDynamo
) -> None:
    user = factories.create_user(NewUser(name="Morticia", email=f"m-{new_id()}@example.com"), OLD_HASH)
    users.update_user(user.id, UserChanges(lastName="Addams"))
    factories.set_password(user.id, NEW_HASH)
    post = posts.create_post(user.id, NewPost(name="Seance at midnight"))
    posts.update_post(post.id, user.id, PostChanges(content="Bring candles"), None)
    posts.delete_post(post.id, user.id, None)
    token = open_session(user.id, ip_address="198.51.100.7")
    sessions.delete_session(token)
    sessions.revoke_all(user.id)
    factories.soft_delete_user(user.id)

    assert streams.deliver() == {"batchItemFailures": []}

    user_history = history("user", user.id)
    # created, renamed, postCount up and down with the post, soft-deleted
    assert [record.action for record in user_history] == [
        "create",
        "update",
        "update",
        "update",
        "soft_delete",
    ]
    assert "lastName" in user_history[1].changed_fields
    assert user_history[2].changed_fields == ["postCount", "updatedAt", "version"]
    assert actions("post", post.id) == ["create", "update", "soft_delete"]
    assert actions("session", token.session_id) == ["create", "delete"]
    # Revoking every session is one write of the session epoch, audited under the user.
    (revoked,) = history("sessions", user.id)
    assert (revoked.action, revoked.user_id, "epoch" in revoked.changed_fields) == ("create", user.id, True)
    credential = factories.get_credential(user.id)
    assert credential is not None
    (account_created, password_changed) = history("account", credential.id)
    assert (account_created.action, password_changed.action) == ("create", "update")
    assert "password" in password_changed.changed_fields
    assert {record.user_id for record in user_history + history("post", post.id)} == {user.id}

    stored = json.dumps(audit_items(fresh_tables, local_dynamo))
    for secret in (OLD_HASH, NEW_HASH, token.value, token.hash):
        assert secret not in stored


def test_a_redelivered_batch_adds_no_records(
    streams: Streams, fresh_tables: dict[str, str], local_dynamo: LocalDynamo
) -> None:
    user = factories.create_user(NewUser(name="Gomez", email=f"g-{new_id()}@example.com"), OLD_HASH)
    posts.create_post(user.id, NewPost(name="Fencing lesson"))
    streams.deliver()
    before = audit_items(fresh_tables, local_dynamo)

    assert streams.deliver(streams.delivered) == {"batchItemFailures": []}
    assert audit_items(fresh_tables, local_dynamo) == before


def test_operators_read_an_entitys_trail(
    streams: Streams, fresh_tables: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    user = factories.create_user(NewUser(name="Wednesday", email=f"w-{new_id()}@example.com"), OLD_HASH)
    users.update_user(user.id, UserChanges(firstName="Wednesday"))
    streams.deliver()
    capsys.readouterr()

    assert audit_command.main(["user", user.id]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["action"] for line in lines] == ["create", "update"]
    assert lines[1]["changedFields"] == ["firstName", "updatedAt", "version"]
    # Personal data is there as its keyed pseudonym only (test_audit_privacy.py).
    assert lines[1]["after"]["firstName"] == pseudonyms.pseudonym("Wednesday", pseudonyms.audit_key())


def test_a_change_made_through_the_api_names_its_actor_and_request(
    streams: Streams, fresh_tables: dict[str, str]
) -> None:
    author = factories.create_user(NewUser(name="Wednesday", email=f"w-{new_id()}@example.com"), None)
    post_id = call("POST", "/posts", user_id=author.id, body={"name": "draft"}).body["id"]
    edited = call("PATCH", f"/posts/{post_id}", user_id=author.id, body={"name": "final"})
    assert edited.status == 200

    streams.deliver()

    edit = next(record for record in history("post", post_id) if record.action == "update")
    assert edit.actor == author.id
    assert edit.request_id
    create = next(record for record in history("post", post_id) if record.action == "create")
    assert create.actor == author.id
    assert create.request_id != edit.request_id
