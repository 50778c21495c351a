"""Every function in template.yaml has a sample event in events/, and handles it without a server error."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from devtools.functions import load_handler
from devtools.lambda_context import LocalLambdaContext
from devtools.template import ROOT, functions
from spooky.repositories import posts, users
from spooky.schemas.posts import NewPost
from spooky.schemas.users import NewUser

FUNCTIONS = sorted(functions().values(), key=lambda function: function.logical_id)


def event_path(code_dir: str) -> Path:
    return ROOT / "events" / f"{code_dir}.json"


def load_event(code_dir: str) -> dict[str, Any]:
    event: dict[str, Any] = json.loads(event_path(code_dir).read_text())
    return event


@pytest.fixture
def sample_data(local_tables: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The user and post the resource events name, so the events exercise the happy path."""
    event = load_event("update_post")
    user_id = event["requestContext"]["authorizer"]["userId"]
    post_id = event["pathParameters"]["postId"]
    with monkeypatch.context() as patch:
        if users.get_user(user_id) is None:
            patch.setattr("spooky.repositories.users.new_id", lambda: user_id)
            users.create_user(NewUser(name="Casper", email=f"casper-{user_id.lower()}@example.com"), None)
        if posts.get_post(post_id) is None:
            patch.setattr("spooky.repositories.posts.new_id", lambda: post_id)
            posts.create_post(user_id, NewPost(name="Haunted house checklist"))


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda function: function.logical_id)
def test_function_has_a_sample_event(function: Any) -> None:
    assert event_path(function.code_uri.name).is_file(), f"add events/{function.code_uri.name}.json"


@pytest.mark.parametrize(
    "function", [f for f in FUNCTIONS if f.routes], ids=lambda function: function.logical_id
)
def test_sample_event_is_answered_without_server_error(function: Any, sample_data: None) -> None:
    event = load_event(function.code_uri.name)
    response = load_handler(function.logical_id)(event, LocalLambdaContext(function.logical_id))

    assert response["statusCode"] < 500, response
    if response.get("body"):
        json.loads(response["body"])
