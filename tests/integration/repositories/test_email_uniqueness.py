"""An email belongs to one user, whatever its case, even when sign-ups race (DynamoDB Local, real threads)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest

from spooky.errors import AlreadyExists
from spooky.models.app import UserModel
from spooky.repositories.users import EmailTaken
from spooky.schemas.common import normalize_email
from spooky.schemas.users import NewUser
from spooky.settings import get_settings
from tests.support import factories
from tests.support.factories import make_user, unique_email

RACERS = 20


def all_items(table: str) -> list[dict[str, Any]]:
    """Every item of a test's own table (a Scan is fine in a test, never in a request path)."""
    client = boto3.client("dynamodb", endpoint_url=get_settings().dynamodb_endpoint_url)
    return [item for page in client.get_paginator("scan").paginate(TableName=table) for item in page["Items"]]


def with_varied_case(email: str, n: int) -> str:
    return "".join(ch.upper() if (i + n) % 3 == 0 else ch for i, ch in enumerate(email))


def test_concurrent_sign_ups_with_one_email_in_different_cases_let_exactly_one_win(
    fresh_tables: dict[str, str],
) -> None:
    email = unique_email("race")
    make_user()  # warm the clients, so the threads race in DynamoDB rather than in client set-up
    start = threading.Barrier(RACERS)

    def sign_up(n: int) -> str | Exception:
        new_user = NewUser(name=f"Racer {n}", email=with_varied_case(email, n))
        start.wait()
        try:
            return factories.create_user(new_user, password_hash="hash").id
        except EmailTaken as error:
            return error

    with ThreadPoolExecutor(max_workers=RACERS) as pool:
        outcomes = list(pool.map(sign_up, range(RACERS)))

    winners = [outcome for outcome in outcomes if isinstance(outcome, str)]
    assert len(winners) == 1
    assert sum(isinstance(outcome, EmailTaken) for outcome in outcomes) == RACERS - 1
    # Nothing of the losers was written: one claim, one profile, one credential account.
    items = all_items(fresh_tables["AppTable"])
    mine = [item for item in items if item["pk"]["S"] in (f"EMAIL#{email}", f"USER#{winners[0]}")]
    assert sorted(item["sk"]["S"].split("#")[0] for item in mine) == ["ACCOUNT", "EMAIL", "PROFILE"]
    assert len(items) == len(mine) + 3  # + the warm-up user's three items
    assert factories.find_user_id_by_email(normalize_email(email.upper())) == winners[0]


def test_a_second_sign_up_with_the_same_email_in_another_case_is_refused(
    local_tables: dict[str, str],
) -> None:
    email = unique_email("taken")
    first = make_user(email=email)
    with pytest.raises(EmailTaken) as caught:
        make_user(email=email.upper())
    assert isinstance(caught.value, AlreadyExists)
    assert factories.find_user_id_by_email(normalize_email(email)) == first.id


def test_an_unknown_email_has_no_user(local_tables: dict[str, str]) -> None:
    assert factories.find_user_id_by_email(unique_email("nobody")) is None


def test_sign_up_stores_the_normalised_email_on_the_user(local_tables: dict[str, str]) -> None:
    email = unique_email("Grace.Hopper")
    user = make_user(email=f"  {email.upper()} ")
    stored = UserModel.get(*UserModel.key(user.id), consistent_read=True)
    assert stored.email == email.lower()
