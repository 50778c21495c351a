"""The audit log outlives an account without keeping its personal data (DynamoDB Local, real streams).

A user signs up, edits their profile, writes and edits posts, and deletes the account, all through the
API; then the streams go through the audit function. Scanning the audit table for the literal values
finds none of them, while who, what and when are all there.
"""

from __future__ import annotations

import json

import pytest

from devtools import audit as audit_command
from spooky.ids import new_id
from spooky.repositories.sessions import list_sessions
from spooky_jobs.repositories.audit import history
from tests.integration.conftest import LocalDynamo
from tests.integration.operations.test_audit_log import Streams, audit_items
from tests.support.accounts import PASSWORD
from tests.support.client import Browser

USER_AGENT = "GhostBrowser/13.0 (Addams Family Mansion)"
HEADERS = {"User-Agent": USER_AGENT}


@pytest.fixture
def streams(fresh_tables: dict[str, str], local_dynamo: LocalDynamo) -> Streams:
    return Streams(local_dynamo.endpoint, fresh_tables)


def live_through_the_api() -> tuple[str, list[str], dict[str, str]]:
    """A user's whole life through the API: (user id, post ids, the personal values it wrote)."""
    personal = {
        "email": f"morticia-{new_id().lower()}@example.com",
        "name": "Morticia Frump",
        "new name": "Morticia Addams",
        "image": "https://cdn.example.com/morticia-portrait.png",
        "post title": "Seance at midnight",
        "new post title": "Seance postponed to the full moon",
        "post content": "Bring candles, a ouija board and Uncle Fester",
    }
    browser = Browser()
    signed_up = browser.call(
        "POST",
        "/api/auth/sign-up/email",
        {"name": personal["name"], "email": personal["email"], "password": PASSWORD},
        headers=HEADERS,
    )
    assert signed_up.status == 200, signed_up.body
    user_id = signed_up.body["user"]["id"]
    (session,) = list_sessions(user_id)
    assert session.ip_address
    assert session.user_agent == USER_AGENT
    personal["ip address"] = session.ip_address
    update = {"name": personal["new name"], "image": personal["image"]}
    assert browser.call("POST", "/api/auth/update-user", update).status == 200
    post = {"name": personal["post title"], "content": personal["post content"]}
    post_id = browser.call("POST", "/posts", post).body["id"]
    assert browser.call("PATCH", f"/posts/{post_id}", {"name": personal["new post title"]}).status == 200
    kept_post = browser.call("POST", "/posts", {"name": personal["post title"]}).body["id"]
    assert browser.call("DELETE", f"/posts/{post_id}").status == 204
    assert browser.call("POST", "/api/auth/delete-user", {"password": PASSWORD}).status == 200
    return user_id, [post_id, kept_post], personal


def test_no_audit_record_holds_a_deleted_users_personal_data_but_who_what_and_when_remain(
    streams: Streams, fresh_tables: dict[str, str], local_dynamo: LocalDynamo
) -> None:
    user_id, (post_id, _), personal = live_through_the_api()

    assert streams.deliver() == {"batchItemFailures": []}

    stored = json.dumps(audit_items(fresh_tables, local_dynamo))
    leaked = {label: value for label, value in personal.items() if value in stored}
    assert not leaked, f"personal data in clear in the audit log: {leaked}"
    assert USER_AGENT.split("/")[0] not in stored
    user_trail = history("user", user_id)
    assert (user_trail[0].action, user_trail[-1].action) == ("create", "soft_delete")
    assert {"name", "image"} <= set(user_trail[1].changed_fields)
    edit = next(record for record in history("post", post_id) if record.action == "update")
    assert (edit.actor, edit.user_id) == (user_id, user_id)
    assert "name" in edit.changed_fields
    assert "content" not in edit.changed_fields
    assert all(record.request_id and record.occurred_at for record in user_trail[1:])
    assert [record.action for record in history("post", post_id)] == ["create", "update", "soft_delete"]


def test_an_investigator_with_the_key_can_match_a_known_email(
    streams: Streams, capsys: pytest.CaptureFixture[str]
) -> None:
    user_id, _, personal = live_through_the_api()
    streams.deliver()
    capsys.readouterr()

    assert audit_command.main(["pseudonym", personal["email"]]) == 0
    wanted = json.loads(capsys.readouterr().out)
    created = history("user", user_id)[0]

    assert (created.images()[1] or {})["email"] == wanted["pseudonym"]
    assert created.pseudonym_key == wanted["pseudonymKey"]
