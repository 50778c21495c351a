"""Hand-written bad input: each case is refused with a 4xx JSON {code, message} and changes nothing stored.

Cases that need the gateway (raw bytes, content types, paths) go over HTTP to the local API; the rest
call the handlers in-process. "Nothing changed" is a before/after snapshot of every table a request
writes, and the invariant check closes every test.
"""

from __future__ import annotations

import base64
import http.client
import json
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from devtools.events import authorizer_event, rest_event
from devtools.functions import load_handler
from devtools.lambda_context import LocalLambdaContext
from devtools.local_env import InProcessRunner
from devtools.openapi import DOCUMENT_PATH
from devtools.template import authorizer_function, routes
from spooky.auth.cookies import signed_cookie_value
from spooky.auth.passwords import hash_password
from spooky.repositories import posts
from spooky.schemas.posts import NewPost
from spooky.schemas.users import NewUser
from tests.support import factories
from tests.support.client import FRONT_END_ORIGIN, call
from tests.support.factories import start_session
from tests.support.invariants import check_invariants, snapshot

# Many sign-ups and password checks; none of these tests is about hashing.
pytestmark = pytest.mark.usefixtures("cheap_passwords")

PASSWORD = "a good long password"


@pytest.fixture
def local_tables(fresh_tables: dict[str, str]) -> dict[str, str]:
    """Tables of its own: the invariant check then sees nothing but this module's writes."""
    return fresh_tables


@dataclass(frozen=True)
class World:
    """A user with a password, a session and two posts; ``other`` is a second user with a post."""

    tables: dict[str, str]
    user_id: str
    bearer: str
    post_id: str
    other_id: str

    @property
    def authorization(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.bearer}"}


@pytest.fixture
def world(local_tables: dict[str, str]) -> Iterator[World]:
    user = factories.create_user(
        NewUser(name="Wednesday", email="wednesday@example.com"), hash_password(PASSWORD)
    )
    other = factories.create_user(
        NewUser(name="Pugsley", email="pugsley@example.com"), hash_password(PASSWORD)
    )
    post = posts.create_post(user.id, NewPost(name="first", content="hello"))
    posts.create_post(user.id, NewPost(name="second"))
    posts.create_post(other.id, NewPost(name="theirs"))
    token = signed_cookie_value(start_session(user.id).token)
    yield World(local_tables, user.id, token, post.id, other.id)
    report = check_invariants(local_tables)
    assert report.ok, str(report)


def assert_refused(
    status: int, body: Any, expected: int | None = None, code: str | None = None, case: object = None
) -> None:
    """A client error, explained in the API's one error shape."""
    assert 400 <= status < 500, (case, status, body)
    if expected is not None:
        assert status == expected, (case, status, body)
    assert isinstance(body, dict), body
    assert isinstance(body.get("code"), str), body
    assert isinstance(body.get("message"), str), body
    if code is not None:
        assert body["code"] == code, body


@contextmanager
def nothing_changes(world: World) -> Iterator[None]:
    before = snapshot(world.tables)
    yield
    after = snapshot(world.tables)
    changed = sorted(key for key in before.keys() | after.keys() if before.get(key) != after.get(key))
    assert not changed, f"changed items: {changed}"


@dataclass(frozen=True)
class Raw:
    status: int
    content_type: str | None
    body: Any


def send_raw(
    base_url: str, method: str, path: str, data: bytes | None = None, headers: dict[str, str] | None = None
) -> Raw:
    """Exactly these bytes, path and headers (urllib would add a Content-Type; http_client sends JSON)."""
    address = urllib.parse.urlsplit(base_url)
    connection = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port, timeout=30)
    try:
        connection.request(method, path, body=data, headers=headers or {})
        response = connection.getresponse()
        text = response.read()
        return Raw(response.status, response.getheader("Content-Type"), json.loads(text) if text else None)
    finally:
        connection.close()


def test_malformed_json_is_400(world: World) -> None:
    bodies = [
        "{",
        '{"name": "x",}',
        '{"name": "x"} trailing',
        "{'name': 'single quotes'}",
        '\ufeff{"name": "byte order mark"}',
        '{"name": NaN}',
        '{"name": Infinity}',
        "null",
        "[]",
        '"a string"',
        "12",
        "",
    ]
    routes = [
        ("POST", "/posts", world.user_id),
        ("PATCH", f"/posts/{world.post_id}", world.user_id),
        ("POST", "/api/auth/sign-up/email", None),
        ("POST", "/api/auth/update-user", world.user_id),
    ]
    with nothing_changes(world):
        for method, path, user_id in routes:
            for body in bodies:
                json_headers = {"Content-Type": "application/json"}
                reply = call(method, path, user_id=user_id, body=body, headers=json_headers)
                assert_refused(reply.status, reply.body, 400, case=(method, path, body))


def test_deeply_nested_json_is_400(world: World) -> None:
    nested_name = '{"name": ' + '{"a": ' * 5000 + "1" + "}" * 5001
    bodies = ["[" * 100_000, "{" * 50_000, nested_name, '{"name": ' + "[" * 40 + "]" * 40 + "}"]
    with nothing_changes(world):
        for body in bodies:
            reply = call("POST", "/posts", user_id=world.user_id, body=body)
            assert_refused(reply.status, reply.body, 400)


# What json.loads raises on (other than syntax errors) or accepts although it is not JSON.
UNPARSABLE_JSON = {
    "integer past the int-string limit": '{"name": ' + "1" * 4301 + "}",
    "negative one": '{"name": -' + "9" * 5000 + "}",
    "float out of range": '{"name": 1e999}',
    "negative float out of range": '{"name": [-1e400]}',
    "NaN": '{"name": "x", "content": NaN}',
    "-Infinity": "[-Infinity]",
    "lone surrogate": '{"name": "\\ud800"}',
    "lone surrogate in a password": '{"email": "a@example.com", "password": "\\udfffpassword"}',
    "lone surrogate as a key": '{"\\ud800": 1}',
}


def body_routes(world: World) -> list[tuple[str, str, str | None]]:
    """Every route of template.yaml that reads a JSON body (per the OpenAPI document): (method, path with
    real ids, user id if protected)."""
    document = json.loads(DOCUMENT_PATH.read_text())
    ids = {"{postId}": world.post_id, "{userId}": world.user_id}
    chosen = []
    for route in routes():
        if "requestBody" not in document["paths"].get(route.path, {}).get(route.method.lower(), {}):
            continue
        path = route.path
        for name, value in ids.items():
            path = path.replace(name, value)
        chosen.append((route.method, path, world.user_id if route.authorized else None))
    return chosen


def test_json_that_python_cannot_parse_or_json_forbids_is_400_on_every_route(world: World) -> None:
    json_headers = {"Content-Type": "application/json"}
    chosen = body_routes(world)
    assert len(chosen) >= 10, chosen
    with nothing_changes(world):
        for method, path, user_id in chosen:
            for label, body in UNPARSABLE_JSON.items():
                reply = call(method, path, user_id=user_id, body=body, headers=json_headers)
                assert_refused(reply.status, reply.body, 400, case=(label, method, path))
        too_long = UNPARSABLE_JSON["integer past the int-string limit"]
        reply = call("POST", "/posts", user_id=world.user_id, body=too_long)
        assert "too many digits" in reply.body["message"], reply.body


def test_bodies_that_are_not_json_are_415_over_http(world: World, local_api: str) -> None:
    cases = [
        ("text/plain", b'{"name": "sent as text"}'),
        ("text/plain; charset=utf-8", b'{"name": "sent as text"}'),
        ("application/x-www-form-urlencoded", b"name=a+form"),
        (
            "multipart/form-data; boundary=XX",
            b'--XX\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--XX--',
        ),
        ("application/xml", b"<post><name>x</name></post>"),
        ("application/vnd.api+json", b'{"name": "x"}'),
    ]
    with nothing_changes(world):
        for content_type, data in cases:
            reply = send_raw(
                local_api, "POST", "/posts", data, {**world.authorization, "Content-Type": content_type}
            )
            assert_refused(reply.status, reply.body, 415, "UNSUPPORTED_MEDIA_TYPE")
            assert reply.content_type == "application/json"
        # Without a Content-Type a body is read as JSON (as Powertools does): a form is then malformed JSON.
        reply = send_raw(local_api, "POST", "/posts", b"name=a+form", world.authorization)
        assert_refused(reply.status, reply.body, 400)
        # Bytes that are not UTF-8 reach the function as U+FFFD (a text payload); the JSON still decides.
        reply = send_raw(
            local_api,
            "POST",
            "/posts",
            b"\xff\xfe{\x00",
            {**world.authorization, "Content-Type": "application/json"},
        )
        assert_refused(reply.status, reply.body, 400)


def test_huge_bodies_are_413_over_http(world: World, local_api: str) -> None:
    big_post = json.dumps({"name": "big", "content": "x" * 300_000}).encode()
    huge_sign_up = json.dumps(
        {"name": "n" * 6_000_000, "email": "huge@example.com", "password": PASSWORD}
    ).encode()
    json_headers = {"Content-Type": "application/json", "Origin": FRONT_END_ORIGIN}
    with nothing_changes(world):
        reply = send_raw(local_api, "POST", "/posts", big_post, {**world.authorization, **json_headers})
        assert_refused(reply.status, reply.body, 413, "PAYLOAD_TOO_LARGE")
        reply = send_raw(local_api, "POST", "/api/auth/sign-up/email", huge_sign_up, json_headers)
        assert_refused(reply.status, reply.body, 413, "PAYLOAD_TOO_LARGE")
        # Below the body limit, the content limit (20,000 characters) answers.
        too_long = {"name": "long", "content": "x" * 20_001}
        reply = call("POST", "/posts", user_id=world.user_id, body=too_long)
        assert_refused(reply.status, reply.body, 400)


def call_event(event: dict[str, Any], user_id: str) -> tuple[int, Any]:
    """POST /posts with an event as built (e.g. flagged base64), as the authorizer admitted ``user_id``."""
    event["requestContext"]["authorizer"] = {"principalId": user_id, "userId": user_id, "sessionId": "s"}
    response = load_handler("CreatePostFunction")(event, LocalLambdaContext("CreatePostFunction"))
    return response["statusCode"], json.loads(response["body"])


def base64_post(payload: bytes | str) -> dict[str, Any]:
    event = rest_event("POST", "/posts", "/posts", headers={"Content-Type": "application/json"})
    encoded = base64.b64encode(payload).decode() if isinstance(payload, bytes) else payload
    return {**event, "body": encoded, "isBase64Encoded": True}


def test_the_body_limit_counts_bytes_not_characters(world: World) -> None:
    # 100,000 emoji: 100 K characters (under the limit if it counted characters), 400 KB of UTF-8.
    emoji = json.dumps({"name": "big", "content": "\U0001f47b" * 100_000}, ensure_ascii=False)
    assert len(emoji) < 256 * 1024 < len(emoji.encode())
    big = json.dumps({"name": "big", "content": "x" * 300_000}).encode()
    with nothing_changes(world):
        reply = call("POST", "/posts", user_id=world.user_id, body=emoji)
        assert_refused(reply.status, reply.body, 413, "PAYLOAD_TOO_LARGE")
        # A base64 body counts by what it decodes to; one of 300 KB is too large whatever its encoding.
        status, body = call_event(base64_post(big), world.user_id)
        assert_refused(status, body, 413, "PAYLOAD_TOO_LARGE")


def test_base64_bodies_that_are_not_utf8_json_are_400(world: World) -> None:
    with nothing_changes(world):
        for payload in [b"\xff\xfe{\x00", b'{"name": "\xc3"}', "not base64!", "\u00e9\u00e9==", "QQ"]:
            status, body = call_event(base64_post(payload), world.user_id)
            assert_refused(status, body, 400, case=payload)
    status, body = call_event(base64_post(b'{"name": "sent as base64"}'), world.user_id)
    assert status == 201, body


# Sent as JSON escapes (json.dumps writes "\\u0000", "\\ud800"), as a client would send them.
UNSTORABLE_TEXT = {
    "NUL": "\x00",
    "inner NUL": "a\x00b",
    "lone high surrogate": "\ud800",
    "lone low surrogate": "\udfff",
    "unpaired": "\ud800x",
    "reversed pair": "\udc00\ud800",
    "ESC": "\x1b[31m",
    "DEL": "\x7f",
    "BS": "\x08",
    "C1 CSI": "\x9b31m",
    "C1 NEL": "a\x85b",
    "C1 first": "\x80",
    "C1 last": "\x9f",
}


def test_text_that_is_not_storable_unicode_is_400(world: World) -> None:
    sign_up = {"name": "N", "email": "u@example.com", "password": PASSWORD}
    with nothing_changes(world):
        for label, text in UNSTORABLE_TEXT.items():
            for method, path, user_id, body in [
                ("POST", "/posts", world.user_id, {"name": text}),
                ("POST", "/posts", world.user_id, {"name": "ok", "content": text}),
                ("PATCH", f"/posts/{world.post_id}", world.user_id, {"content": text}),
                ("POST", "/api/auth/update-user", world.user_id, {"lastName": text}),
                ("POST", "/api/auth/sign-up/email", None, {**sign_up, "name": text}),
                ("POST", "/api/auth/sign-up/email", None, {**sign_up, "email": f"u{text}@example.com"}),
            ]:
                reply = call(method, path, user_id=user_id, body=body)
                assert_refused(reply.status, reply.body, 400, case=(label, method, path))


def test_unicode_text_is_stored_and_returned_exactly(world: World) -> None:
    texts = {
        "right-to-left override": "evil\u202egnp.exe",
        "emoji": "\U0001f47b\U0001f383",
        "family (zero-width joiners)": "\U0001f468\u200d\U0001f469\u200d\U0001f467",
        "combining accents": "Z\u0351\u0360a\u0352\u0368l\u0308g\u036fo\u0301",
        "decomposed e-acute": "cafe\u0301",
        "bidi Arabic and Hebrew": "\u0645\u0631\u062d\u0628\u0627 \u05e9\u05dc\u05d5\u05dd",
        "astral maximum": "\U0001f47b" * 255,
    }
    for label, text in texts.items():
        created = call("POST", "/posts", user_id=world.user_id, body={"name": text, "content": text})
        assert created.status == 201, (label, created.body)
        stored = call("GET", f"/posts/{created.body['id']}").body
        assert (stored["name"], stored["content"]) == (text, text), label
    with nothing_changes(world):
        reply = call("POST", "/posts", user_id=world.user_id, body={"name": "\U0001f47b" * 256})
        assert_refused(reply.status, reply.body, 400)


def test_emails_that_normalise_alike_are_one_account(world: World) -> None:
    def sign_up(email: str) -> Any:
        return call(
            "POST", "/api/auth/sign-up/email", body={"name": "Morticia", "email": email, "password": PASSWORD}
        )

    first = sign_up("Morticia.Addams@Example.COM")
    assert first.status == 200, first.body
    assert first.body["user"]["email"] == "morticia.addams@example.com"
    with nothing_changes(world):
        for same in [
            "morticia.addams@example.com",
            "MORTICIA.ADDAMS@EXAMPLE.COM",
            "  morticia.addams@example.com  ",
            "Morticia.Addams@example.com",
        ]:
            reply = sign_up(same)
            assert_refused(reply.status, reply.body, 422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL")

    composed = sign_up("caf\u00e9@example.com")
    assert composed.status == 200, composed.body
    with nothing_changes(world):
        # NFD and NFC spell the same address: email normalisation makes them one.
        reply = sign_up("cafe\u0301@example.com")
        assert_refused(reply.status, reply.body, 422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL")

    # Lookalikes are other addresses (other mailboxes): other accounts, each with its own claim, and
    # neither opens the original.
    for lookalike in ["morticia.addams@ex\u0430mple.com", "\uff4dorticia.addams@example.com"]:
        reply = sign_up(lookalike)
        assert reply.status == 200, (lookalike, reply.body)
        assert reply.body["user"]["id"] != first.body["user"]["id"]
        signed_in = call("POST", "/api/auth/sign-in/email", body={"email": lookalike, "password": PASSWORD})
        assert signed_in.body["user"]["id"] == reply.body["user"]["id"]


def _edited(cursor: str, index: int) -> str:
    swapped = "A" if cursor[index] != "A" else "B"
    return cursor[:index] + swapped + cursor[index + 1 :]


def test_tampered_cursors_are_400(world: World) -> None:
    user_page = call("GET", f"/users/{world.user_id}/posts", query="limit=1").body
    feed_page = call("GET", "/posts", query="limit=1").body
    cursor, feed_cursor = user_page["nextCursor"], feed_page["nextCursor"]
    assert cursor
    assert feed_cursor
    payload, signature = cursor.split(".")
    position = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged_payload = base64.urlsafe_b64encode(json.dumps({**position, "author": {"id": "x"}}).encode())
    tampered = {
        "edited payload": _edited(cursor, 3),
        "edited signature": _edited(cursor, len(cursor) - 2),
        "forged payload, old signature": f"{forged_payload.decode().rstrip('=')}.{signature}",
        "padding added": cursor + "=",
        "no signature": payload,
        "two signatures": f"{cursor}.{signature}",
        "another listing's cursor": feed_cursor,
        "not base64": "!!!.???",
        "empty parts": ".",
        "huge": "A" * 5000,
        "json injection": '{"pk": {"S": "USER#x"}}',
    }
    with nothing_changes(world):
        for label, bad in tampered.items():
            query = urllib.parse.urlencode({"cursor": bad, "limit": 1})
            reply = call("GET", f"/users/{world.user_id}/posts", query=query)
            assert_refused(reply.status, reply.body, 400, case=label)
        # A user's cursor is refused on another user's listing, and on the feed.
        for path in (f"/users/{world.other_id}/posts", "/posts"):
            reply = call("GET", path, query=urllib.parse.urlencode({"cursor": cursor}))
            assert_refused(reply.status, reply.body, 400)


def test_path_traversal_and_junk_ids_are_refused_over_http(world: World, local_api: str) -> None:
    junk = [
        "..",
        "%2e%2e",
        "%2E%2E%2F%2E%2E%2Fusers",
        "..%2f..%2fhealth",
        "..%5c..%5c",
        "%252e%252e",
        "a" * 5000,
        "1%27%20OR%20%271%27%3D%271",
        "%22%3B%20DROP%20TABLE%20posts%3B--",
        f"{world.post_id}%23PROFILE",
        f"{world.post_id}%00",
        "USER%23x",
        "%ff%fe",
        "%7B%7D",
        "*",
    ]
    headers = {**world.authorization, "Content-Type": "application/json"}
    with nothing_changes(world):
        for bad in junk:
            for method, path, data in [
                ("GET", f"/posts/{bad}", None),
                ("GET", f"/users/{bad}", None),
                ("GET", f"/users/{bad}/posts", None),
                ("PATCH", f"/posts/{bad}", b'{"name": "hijacked"}'),
                ("DELETE", f"/posts/{bad}", None),
            ]:
                reply = send_raw(local_api, method, path, data, headers)
                assert_refused(reply.status, reply.body)
                assert reply.content_type == "application/json", (method, path)
    post = call("GET", f"/posts/{world.post_id}").body
    assert (post["name"], post["version"]) == ("first", 1)


def test_query_parameters_of_the_wrong_type_are_400(world: World) -> None:
    cases = {
        "/posts": [
            "limit=abc",
            "limit=0",
            "limit=-1",
            "limit=101",
            "limit=1.5",
            "limit=1e2",
            "limit=",
            "limit=2&limit=3",
        ],
        f"/users/{world.user_id}/posts": ["limit=NaN", "limit=%00", "limit=99999999999999999999999"],
        "/api/auth/get-session": ["disableRefresh=maybe", "disableCookieCache=2"],
        "/api/auth/verify-email": ["", "token=" + "t" * 600, "token=x&callbackURL=" + "c" * 3000],
    }
    with nothing_changes(world):
        for path, queries in cases.items():
            for query in queries:
                reply = call("GET", path, query=query, headers=world.authorization)
                assert_refused(reply.status, reply.body, 400)


def test_bad_if_match_and_idempotency_headers_are_400(world: World) -> None:
    if_match = ["abc", '"-1"', '"1.0"', '"99999999999999"', 'W/"x"', "*", '"1", "2"', "", "x" * 65]
    idempotency_keys = ["k" * 256, "", "tab\tinside", "new\nline", "\x00"]
    with nothing_changes(world):
        for value in if_match:
            headers = {"If-Match": value}
            patch = call(
                "PATCH", f"/posts/{world.post_id}", user_id=world.user_id, body={"name": "x"}, headers=headers
            )
            assert_refused(patch.status, patch.body, 400)
            delete = call("DELETE", f"/posts/{world.post_id}", user_id=world.user_id, headers=headers)
            assert_refused(delete.status, delete.body, 400)
        for key in idempotency_keys:
            reply = call(
                "POST", "/posts", user_id=world.user_id, body={"name": "x"}, headers={"Idempotency-Key": key}
            )
            assert_refused(reply.status, reply.body, 400)
        # A well-formed ETag of another version is a precondition failure, not a write.
        stale = call(
            "PATCH",
            f"/posts/{world.post_id}",
            user_id=world.user_id,
            body={"name": "x"},
            headers={"If-Match": '"7"'},
        )
        assert_refused(stale.status, stale.body, 412, "PRECONDITION_FAILED")


def test_if_match_takes_ascii_digits_only(world: World) -> None:
    """isdigit() accepted these; int() refused the superscript (a 500) and read the Arabic-Indic 3."""
    for value in ['"\u00b2"', 'W/"\u00b2"', '"1\u00b9"', '"\u0663"', '"\uff11"', '"\U0001d7ce"']:
        headers = {"If-Match": value}
        with nothing_changes(world):
            patch = call(
                "PATCH", f"/posts/{world.post_id}", user_id=world.user_id, body={"name": "x"}, headers=headers
            )
            assert_refused(patch.status, patch.body, 400, "VALIDATION_ERROR", case=value)
            delete = call("DELETE", f"/posts/{world.post_id}", user_id=world.user_id, headers=headers)
            assert_refused(delete.status, delete.body, 400, "VALIDATION_ERROR", case=value)


def test_explicit_nulls_are_refused_or_ignored_never_a_500(world: World) -> None:
    """Found by the fuzz run: {"email": null} on update-user reached the repository and failed (500)."""
    with nothing_changes(world):
        for body in [{"email": None}, {"name": None}, {"name": None, "email": None}]:
            reply = call("POST", "/api/auth/update-user", user_id=world.user_id, body=body)
            assert_refused(reply.status, reply.body, 400)
        reply = call("POST", "/posts", user_id=world.user_id, body={"name": None})
        assert_refused(reply.status, reply.body, 400)

    renamed = call(
        "POST", "/api/auth/update-user", user_id=world.user_id, body={"name": "Wed", "email": None}
    )
    assert renamed.status == 200, renamed.body
    assert call("GET", f"/users/{world.user_id}").body["user"]["name"] == "Wed"


# Signed-looking credentials whose signature part is not ASCII (or the value is not encodable): each
# once raised inside the HMAC comparison.
UNREADABLE_CREDENTIALS = ["a.%C3%A9", "a.\u00e9", "\ud800.AAAA", "x" * 20 + ".\u00b2"]


def test_unreadable_credentials_are_no_session_never_a_5xx(world: World) -> None:
    authorizer = authorizer_function()
    assert authorizer
    for credential in UNREADABLE_CREDENTIALS:
        for headers in (
            {"Authorization": f"Bearer {credential}"},
            {"Cookie": f"better-auth.session_token={credential}", "Origin": FRONT_END_ORIGIN},
        ):
            with nothing_changes(world):
                for method, path, body in [
                    ("GET", "/api/auth/get-session", None),
                    ("POST", "/api/auth/sign-out", {}),
                    ("POST", "/api/auth/send-verification-email", {"email": "nobody@example.com"}),
                ]:
                    reply = call(method, path, body=body, headers=headers)
                    assert reply.status < 500, (credential, path, reply.body)
            event = authorizer_event(rest_event("GET", "/posts/{postId}", "/posts/x", headers=headers))
            # A Deny policy (the gateway's 401); an authorizer error would be a 5xx.
            policy = InProcessRunner().run(authorizer, event)
            assert policy["policyDocument"]["Statement"][0]["Effect"] == "Deny", (credential, policy)


def test_a_garbage_dont_remember_cookie_is_ignored(world: World) -> None:
    session = f"better-auth.session_token={world.bearer}"
    for garbage in UNREADABLE_CREDENTIALS:
        cookie = {"Cookie": f"{session}; better-auth.dont_remember={garbage}", "Origin": FRONT_END_ORIGIN}
        reply = call("GET", "/api/auth/get-session", headers=cookie)
        assert reply.status == 200, (garbage, reply.body)
        assert reply.body["user"]["id"] == world.user_id


def test_a_post_edit_that_changes_nothing_or_nulls_the_name_is_refused_as_update_user_does(
    world: World,
) -> None:
    """PATCH /posts answered 200 to these and bumped the version; update-user refuses them."""
    with nothing_changes(world):
        for body in [{}, {"name": None}, {"name": None, "content": "x"}]:
            user = call("POST", "/api/auth/update-user", user_id=world.user_id, body=body)
            post = call("PATCH", f"/posts/{world.post_id}", user_id=world.user_id, body=body)
            assert_refused(post.status, post.body, 400, user.body["code"], case=body)
            assert post.body["code"] in ("NO_FIELDS_TO_UPDATE", "VALIDATION_ERROR"), post.body
    post = call("GET", f"/posts/{world.post_id}").body
    assert (post["name"], post["content"], post["version"]) == ("first", "hello", 1)
    cleared = call("PATCH", f"/posts/{world.post_id}", user_id=world.user_id, body={"content": None})
    assert cleared.status == 200, cleared.body  # content is optional: null still clears it
    assert (cleared.body["name"], cleared.body.get("content")) == ("first", None)
