"""Every function publishes the metrics of its DynamoDB requests, measured on DynamoDB Local."""

from __future__ import annotations

import pytest

from spooky.ids import new_id
from spooky.repositories import posts
from spooky.schemas.posts import NewPost
from spooky.schemas.users import NewUser
from tests.support import factories
from tests.support.client import call
from tests.support.emf import emitted, reset


def test_an_api_call_publishes_latency_and_the_capacity_of_the_index_it_read(
    local_tables: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    author = factories.create_user(NewUser(name="Fester", email=f"f-{new_id()}@example.com"), None)
    posts.create_post(author.id, NewPost(name="Light bulbs"))
    reset()  # only the call's own requests

    response = call("GET", f"/users/{author.id}/posts")

    values = emitted(capsys.readouterr().out)
    assert response.status == 200
    assert len(values["DynamoDBLatency"]) == 2  # the Query and the author's GetItem
    assert values["ConsumedCapacity.AppTable.UserPosts"] == [0.5]
    assert sorted(values["ConsumedCapacity.AppTable"]) == [0.5, 1.0]  # the GetItem is strongly consistent


def test_a_failed_condition_is_counted(
    local_tables: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    author = factories.create_user(NewUser(name="Fester", email=f"f-{new_id()}@example.com"), None)
    stranger = factories.create_user(NewUser(name="Cousin Itt", email=f"i-{new_id()}@example.com"), None)
    post_id = posts.create_post(author.id, NewPost(name="Mine")).id
    reset()

    response = call("PATCH", f"/posts/{post_id}", user_id=stranger.id, body={"name": "Ours"})

    assert response.status == 403
    assert emitted(capsys.readouterr().out)["ConditionalCheckFailures"] == [1.0]
