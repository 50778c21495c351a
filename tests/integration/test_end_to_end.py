"""One account's whole story over real HTTP, against the local API (real handlers, real authorizer)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from spooky.email import read_outbox
from spooky.ids import new_id
from tests.support.client import HttpClient

PASSWORD = "correct horse battery staple"


def verification_link_path(email: str, api_url: str) -> str:
    link = next(message["link"] for message in reversed(read_outbox()) if message["to"] == email)
    assert link.startswith(f"{api_url}/api/auth/verify-email?")  # the local API's own URL
    parsed = urlparse(link)
    assert parse_qs(parsed.query)["token"]
    return f"{parsed.path}?{parsed.query}"


def test_sign_up_post_page_and_sign_out(local_api: str) -> None:
    email = f"Lydia.{new_id()}@Example.com"
    browser = HttpClient(local_api)

    # Sign up: a session cookie, a bearer token, and a verification email.
    signed_up = browser.post(
        "/api/auth/sign-up/email", {"name": "Lydia", "email": email, "password": PASSWORD}
    )
    assert signed_up.status == 200, signed_up.body
    user = signed_up.body["user"]
    assert user["email"] == email.lower()
    assert user["emailVerified"] is False
    assert "better-auth.session_token" in browser.cookies
    assert signed_up.header("set-auth-token")

    # Verify the email with the link from the outbox: back to the front end.
    verified = HttpClient(local_api).get(verification_link_path(email.lower(), local_api))
    assert verified.status == 302, verified.body
    assert verified.header("Location") == "http://localhost:3000/"
    assert browser.get("/api/auth/get-session").body["user"]["emailVerified"] is True

    # Sign in again from a second device, with a bearer token this time.
    phone = HttpClient(local_api, origin=None)
    signed_in = phone.post("/api/auth/sign-in/email", {"email": email, "password": PASSWORD})
    assert signed_in.status == 200, signed_in.body
    phone.bearer = signed_in.header("set-auth-token")
    phone.cookies.clear()
    assert phone.get("/api/auth/get-session").body["user"]["id"] == user["id"]

    # Create posts from both devices and page through them, newest first.
    names = [f"post {index}" for index in range(5)]
    for index, name in enumerate(names):
        client = browser if index % 2 else phone
        created = client.post("/posts", {"name": name, "content": f"content of {name}"})
        assert created.status == 201, created.body
    first = browser.get(f"/users/{user['id']}/posts?limit=2")
    assert [post["name"] for post in first.body["items"]] == ["post 4", "post 3"]
    assert first.body["author"] == {"id": user["id"], "name": "Lydia", "email": email.lower()}
    seen = [post["name"] for post in first.body["items"]]
    cursor = first.body["nextCursor"]
    while cursor:
        page = browser.get(f"/users/{user['id']}/posts?limit=2&cursor={cursor}")
        seen += [post["name"] for post in page.body["items"]]
        cursor = page.body["nextCursor"]
    assert seen == names[::-1]

    # The profile: the user and their newest posts.
    profile = HttpClient(local_api).get(f"/users/{user['id']}")
    assert profile.status == 200
    assert profile.body["user"]["name"] == "Lydia"
    assert len(profile.body["posts"]) == 5

    # Edit one post (optimistic concurrency) and delete another.
    newest = first.body["items"][0]
    edited = browser.patch(f"/posts/{newest['id']}", {"name": "post 4, edited"}, headers={"If-Match": '"1"'})
    assert edited.status == 200, edited.body
    assert edited.header("ETag") == '"2"'
    assert browser.delete(f"/posts/{first.body['items'][1]['id']}").status == 204
    assert [post["name"] for post in browser.get(f"/users/{user['id']}").body["posts"]][:2] == [
        "post 4, edited",
        "post 2",
    ]

    # Two sessions are listed; revoking the phone's refuses its token from then on.
    sessions = browser.get("/api/auth/list-sessions")
    assert sessions.status == 200, sessions.body
    assert len(sessions.body) == 2
    current = browser.get("/api/auth/get-session").body["session"]
    other = next(session for session in sessions.body if session["id"] != current["id"])
    assert browser.post("/api/auth/revoke-session", {"token": other["token"]}).status == 200
    assert phone.post("/posts", {"name": "from a revoked session"}).status == 401

    # Sign out: the cookie is cleared and the old session is refused.
    old_cookie = dict(browser.cookies)
    assert browser.post("/api/auth/sign-out").status == 200
    assert "better-auth.session_token" not in browser.cookies
    assert browser.get("/api/auth/get-session").body is None
    replay = HttpClient(local_api, cookies=old_cookie)
    assert replay.post("/posts", {"name": "after sign-out"}).status == 401
    assert replay.get("/api/auth/list-sessions").status == 401
