"""The post endpoints as a client sees them (handlers invoked in-process on DynamoDB Local)."""

from __future__ import annotations

import base64

import pytest

from spooky.auth.session_tokens import new_session_token
from spooky.ids import new_id
from spooky.repositories import users
from spooky.schemas.users import NewUser
from tests.support import factories
from tests.support.client import call
from tests.support.factories import open_session


@pytest.fixture
def author(local_tables: dict[str, str]) -> str:
    return factories.create_user(NewUser(name="Wednesday", email=f"w-{new_id()}@example.com"), None).id


@pytest.fixture
def stranger(local_tables: dict[str, str]) -> str:
    return factories.create_user(NewUser(name="Pugsley", email=f"p-{new_id()}@example.com"), None).id


def test_create_then_read_a_post(author: str) -> None:
    created = call("POST", "/posts", user_id=author, body={"name": "  Pumpkin  ", "content": "Carve it"})

    assert created.status == 201
    assert created.body["name"] == "Pumpkin"
    assert created.header("ETag") == '"1"'
    fetched = call("GET", f"/posts/{created.body['id']}")
    assert fetched.status == 200
    assert fetched.body == created.body


def test_posts_page_newest_first_with_author(author: str) -> None:
    for index in range(3):
        call("POST", "/posts", user_id=author, body={"name": f"post {index}"})

    first = call("GET", f"/users/{author}/posts", query="limit=2")
    second = call("GET", f"/users/{author}/posts", query=f"limit=2&cursor={first.body['nextCursor']}")

    assert [post["name"] for post in first.body["items"]] == ["post 2", "post 1"]
    assert [post["name"] for post in second.body["items"]] == ["post 0"]
    assert second.body["nextCursor"] is None
    assert second.body["items"][0]["createdBy"]["name"] == "Wednesday"


def test_profile_has_ten_newest_posts(author: str) -> None:
    for index in range(12):
        call("POST", "/posts", user_id=author, body={"name": f"post {index}"})

    profile = call("GET", f"/users/{author}")

    assert profile.status == 200
    assert profile.body["user"]["id"] == author
    assert [post["name"] for post in profile.body["posts"]] == [f"post {i}" for i in range(11, 1, -1)]


def test_only_the_author_edits_and_stale_versions_are_refused(author: str, stranger: str) -> None:
    post_id = call("POST", "/posts", user_id=author, body={"name": "draft"}).body["id"]

    assert call("PATCH", f"/posts/{post_id}", user_id=stranger, body={"name": "mine"}).status == 403
    edited = call(
        "PATCH", f"/posts/{post_id}", user_id=author, body={"name": "v2"}, headers={"If-Match": '"1"'}
    )
    assert edited.status == 200
    assert edited.header("ETag") == '"2"'
    stale = call(
        "PATCH", f"/posts/{post_id}", user_id=author, body={"name": "v3"}, headers={"If-Match": '"1"'}
    )
    assert stale.status == 412
    assert stale.body["code"] == "PRECONDITION_FAILED"


def test_deleted_post_disappears(author: str) -> None:
    post_id = call("POST", "/posts", user_id=author, body={"name": "ephemeral"}).body["id"]

    assert call("DELETE", f"/posts/{post_id}", user_id=author).status == 204
    assert call("GET", f"/posts/{post_id}").status == 404
    assert call("DELETE", f"/posts/{post_id}", user_id=author).status == 404
    assert call("GET", f"/users/{author}").body["posts"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "   "}, "body.name"),
        ({"name": "x" * 256}, "body.name"),
        ({"name": "ok", "content": "x" * 20_001}, "body.content"),
        ({"name": "ok", "createdById": "someone-else"}, "body.createdById"),
        ({"name": 42}, "body.name"),
    ],
)
def test_invalid_posts_are_refused_with_field_errors(
    author: str, body: dict[str, object], field: str
) -> None:
    response = call("POST", "/posts", user_id=author, body=body)

    assert response.status == 400
    assert response.body["code"] == "VALIDATION_ERROR"
    assert field in [error["field"] for error in response.body["errors"]]
    assert call("GET", f"/users/{author}").body["posts"] == []


@pytest.mark.parametrize(
    ("method", "path", "query"),
    [
        ("GET", "/posts/..%2F..%2Fetc", ""),
        ("GET", "/users/%00/posts", ""),
        ("GET", "/posts", "cursor=not-a-cursor"),
        ("GET", "/posts", "limit=0"),
        ("GET", "/posts", "limit=abc"),
    ],
)
def test_bad_ids_cursors_and_limits_are_client_errors(
    local_tables: dict[str, str], method: str, path: str, query: str
) -> None:
    assert call(method, path, query=query).status == 400


def test_cursor_of_one_user_is_refused_for_another(author: str, stranger: str) -> None:
    for index in range(3):
        call("POST", "/posts", user_id=author, body={"name": f"post {index}"})
    cursor = call("GET", f"/users/{author}/posts", query="limit=1").body["nextCursor"]

    response = call("GET", f"/users/{stranger}/posts", query=f"cursor={cursor}")

    assert response.status == 400
    assert response.body["errors"][0]["field"] == "cursor"


def test_oversized_body_is_413(author: str) -> None:
    response = call("POST", "/posts", user_id=author, body={"name": "x", "content": "y" * 300_000})

    assert response.status == 413
    assert response.body["code"] == "PAYLOAD_TOO_LARGE"


def test_retried_create_with_idempotency_key_writes_once(author: str) -> None:
    key = {"Idempotency-Key": f"retry-{new_id()}"}

    first = call("POST", "/posts", user_id=author, body={"name": "once"}, headers=key)
    retry = call("POST", "/posts", user_id=author, body={"name": "once"}, headers=key)

    assert first.status == retry.status == 201
    assert retry.body["id"] == first.body["id"]
    assert [post["name"] for post in call("GET", f"/users/{author}").body["posts"]] == ["once"]
    assert users.get_user(author).post_count == 1


def test_idempotency_key_reused_with_another_body_is_422(author: str) -> None:
    key = {"Idempotency-Key": f"reuse-{new_id()}"}
    call("POST", "/posts", user_id=author, body={"name": "first"}, headers=key)

    reused = call("POST", "/posts", user_id=author, body={"name": "second"}, headers=key)

    assert reused.status == 422
    assert reused.body["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert len(call("GET", f"/users/{author}").body["posts"]) == 1


def test_same_idempotency_key_from_two_users_are_two_posts(author: str, stranger: str) -> None:
    key = {"Idempotency-Key": f"shared-{new_id()}"}

    mine = call("POST", "/posts", user_id=author, body={"name": "x"}, headers=key)
    theirs = call("POST", "/posts", user_id=stranger, body={"name": "x"}, headers=key)

    assert mine.body["id"] != theirs.body["id"]


@pytest.mark.parametrize("path", ["/posts", "/posts/not..valid", "/users/missing-user"])
def test_every_response_carries_security_headers(local_tables: dict[str, str], path: str) -> None:
    response = call("GET", path)

    assert response.header("X-Content-Type-Options") == "nosniff"
    assert response.header("Cache-Control") == "no-store"
    assert "max-age" in (response.header("Strict-Transport-Security") or "")


def signed_in(user_id: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {open_session(user_id).value}"}


def signed_in_as_nobody(user_id: str) -> dict[str, str]:
    """A well-formed token of ``user_id`` that names no session."""
    return {"Authorization": f"Bearer {new_session_token(user_id).value}"}


def emails_in(body: object) -> list[str]:
    """Every ``email`` field anywhere in a response body."""
    if isinstance(body, dict):
        return [str(v) for k, v in body.items() if k == "email"] + [
            email for value in body.values() for email in emails_in(value)
        ]
    if isinstance(body, list):
        return [email for value in body for email in emails_in(value)]
    return []


def cursor_text(cursor: str) -> str:
    payload = cursor.split(".")[0]
    return base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()


def test_anonymous_callers_see_no_emails_signed_in_callers_do(author: str, stranger: str) -> None:
    for index in range(3):
        call("POST", "/posts", user_id=author, body={"name": f"post {index}"})
    email = users.get_user(author).email
    reads = [("/posts", "limit=100"), (f"/users/{author}", ""), (f"/users/{author}/posts", "limit=1")]
    for path, query in reads:
        anonymous = call("GET", path, query=query)
        assert anonymous.status == 200
        assert emails_in(anonymous.body) == [], path
        assert email not in cursor_text(anonymous.body.get("nextCursor") or "."), path
        revealed = call("GET", path, query=query, headers=signed_in(stranger))
        assert email in emails_in(revealed.body), path
        # A token that names no live session is anonymous.
        forged = call("GET", path, query=query, headers=signed_in_as_nobody(stranger))
        assert emails_in(forged.body) == [], path


def test_a_deleted_users_posts_are_gone_from_every_read_path_at_once(author: str) -> None:
    post_ids = [call("POST", "/posts", user_id=author, body={"name": f"p{n}"}).body["id"] for n in range(3)]
    cursor = call("GET", f"/users/{author}/posts", query="limit=1").body["nextCursor"]

    factories.soft_delete_user(author)

    assert call("GET", f"/posts/{post_ids[0]}").status == 404
    assert call("GET", f"/users/{author}").status == 404
    assert call("GET", f"/users/{author}/posts").status == 404
    assert call("GET", f"/users/{author}/posts", query=f"cursor={cursor}").status == 404
    feed = call("GET", "/posts", query="limit=100").body
    assert not {post["id"] for post in feed["items"]} & set(post_ids)
    # A session that outlived the deletion can neither edit nor delete the posts.
    edited = call("PATCH", f"/posts/{post_ids[1]}", user_id=author, body={"name": "still here"})
    assert (edited.status, edited.body["code"]) == (401, "UNAUTHORIZED")
    assert call("DELETE", f"/posts/{post_ids[2]}", user_id=author).status == 401


def test_only_the_author_can_delete_and_a_refusal_changes_nothing(author: str, stranger: str) -> None:
    created = call("POST", "/posts", user_id=author, body={"name": "mine"}).body

    assert call("DELETE", f"/posts/{created['id']}", user_id=stranger).status == 403
    assert call("PATCH", f"/posts/{created['id']}", user_id=stranger, body={"name": "x"}).status == 403
    assert call("GET", f"/posts/{created['id']}").body == created
