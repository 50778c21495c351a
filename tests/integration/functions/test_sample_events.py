"""Every function in template.yaml has a sample event in events/, and answers it with success."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from devtools.functions import load_handler
from devtools.lambda_context import LocalLambdaContext
from devtools.template import ROOT, functions
from spooky.auth.cookies import SESSION_COOKIE, signed_cookie_value
from spooky.auth.passwords import hash_password
from spooky.auth.session_tokens import SessionToken
from spooky.clock import utcnow
from spooky.repositories import posts, sessions
from spooky.schemas.posts import NewPost, PostChanges
from spooky.schemas.users import NewUser
from spooky.services.auth import emails
from tests.support import factories
from tests.support.factories import store_session

FUNCTIONS = sorted(functions().values(), key=lambda function: function.logical_id)


def event_path(code_dir: str) -> Path:
    return ROOT / "events" / f"{code_dir}.json"


def load_event(code_dir: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads(event_path(code_dir).read_text())
    return event


# The ids the sample events name (events/*.json): one user with a password and an unverified email,
# the session its cookie and authorizer context stand for, a second session, a post, two emailed tokens.
USER_ID = "01JDQ7Z4X2M8K5V3N6P9R0T1WA"
SESSION_ID = "01JDQ7Z9S2E3S4S5I6O7N8I9D0"
# The session behind the cookie and bearer token, which must hold a valid id to parse (SESSION_ID,
# which the authorizer context names, has an I and an O: not Crockford base32).
COOKIE_SESSION_ID = "01JDQ7Z9S2E3S4S5J6P7N8K9D0"
OTHER_SESSION_ID = "01JDQ8A1B2C3D4E5F6G7H8J9K0"
POST_ID = "01JDQ80B3C4D5E6F7G8H9J0K1M"
PASSWORD = "boo-boo-boo-1"
# The events carry this token secret in place of a session token, which also holds the ids (and a
# cookie signature made with the deployment's secret): the test swaps in the seeded session's token.
TOKEN_SECRET = "Q8m2ZkT0aXbR7vLp3sWn9YcHd4Ef6GjKu1Mo5NqBz2A"
RESET_TOKEN = "Pq3Rs5Tu7Vw9Xy1Za2Bc4De6Fg8Hi0Jk2Lm4No6Pq8Rs"
VERIFY_TOKEN = "Zx8Qm2Lk5Vb7Nc1Rt4Yp6Ws3Ha9Jd0Ge2Fu5Ki8Oq1Bz7"
# verify-email answers with a redirect to its callbackURL (with ?error=... when it fails).
REDIRECTS = {"VerifyEmailFunction"}


def _as(patch: pytest.MonkeyPatch, module: str, entity_id: str) -> None:
    patch.setattr(f"{module}.new_id", lambda: entity_id)


def _seed_session(session_id: str) -> SessionToken:
    token = SessionToken(USER_ID, session_id, f"{USER_ID}{session_id}{TOKEN_SECRET}")
    store_session(sessions.new_session_item(token, utcnow() + timedelta(days=7)))
    return token


def _seed(event: dict[str, Any]) -> None:
    """Everything ``event`` refers to, on empty tables; its cookie and bearer token made real."""
    with pytest.MonkeyPatch.context() as patch:
        _as(patch, "spooky.repositories.users", USER_ID)
        email = f"casper-{USER_ID.lower()}@example.com"
        factories.create_user(NewUser(name="Casper", email=email), hash_password(PASSWORD))
        _as(patch, "spooky.repositories.posts", POST_ID)
        posts.create_post(USER_ID, NewPost(name="Haunted house checklist"))
    if_match = (event.get("headers") or {}).get("If-Match")
    for version in range(1, int(if_match.strip('"')) if if_match else 1):
        posts.update_post(POST_ID, USER_ID, PostChanges(content=f"edit {version}"), expected_version=version)
    _seed_session(SESSION_ID)
    _seed_session(OTHER_SESSION_ID)
    token = _seed_session(COOKIE_SESSION_ID)
    expires = utcnow() + timedelta(hours=1)
    factories.create_verification(f"{emails.RESET_PASSWORD}:{RESET_TOKEN}", USER_ID, expires)
    factories.create_verification(f"{emails.VERIFY_EMAIL}:{VERIFY_TOKEN}", USER_ID, expires)
    body = json.loads(event.get("body") or "{}")
    if event.get("path") == "/api/auth/sign-in/email":
        factories.create_user(NewUser(name="Wednesday", email=body["email"]), hash_password(body["password"]))
    headers = event.get("headers") or {}
    if "Cookie" in headers:
        headers["Cookie"] = f"{SESSION_COOKIE}={signed_cookie_value(token.value)}"
    if "Authorization" in headers:
        headers["Authorization"] = f"Bearer {token.value}"


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda function: function.logical_id)
def test_function_has_a_sample_event(function: Any) -> None:
    assert event_path(function.code_uri.name).is_file(), f"add events/{function.code_uri.name}.json"


@pytest.mark.parametrize(
    "function", [f for f in FUNCTIONS if f.routes], ids=lambda function: function.logical_id
)
def test_sample_event_is_answered_with_success(function: Any, fresh_tables: dict[str, str]) -> None:
    """Each event on the data it names: the happy path (fresh tables, as events change or delete it)."""
    event = load_event(function.code_uri.name)
    _seed(event)
    response = load_handler(function.logical_id)(event, LocalLambdaContext(function.logical_id))

    if function.logical_id in REDIRECTS:
        assert response["statusCode"] == 302, response
        (location,) = response["multiValueHeaders"]["Location"]
        assert "error=" not in location, response
    else:
        assert 200 <= response["statusCode"] < 300, response
        # get-session answers 200 with null when the cookie names no live session.
        assert json.loads(response.get("body") or "{}") is not None, response
    if response.get("body"):
        json.loads(response["body"])
