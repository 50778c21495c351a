"""A signed-up user for the auth endpoint tests (helpers in tests/support/accounts.py)."""

from __future__ import annotations

import pytest

from tests.support.accounts import Account, new_email, sign_up
from tests.support.client import Browser


@pytest.fixture
def account(local_tables: dict[str, str]) -> Account:
    browser = Browser()
    email = new_email()
    reply = sign_up(browser, email)
    assert reply.status == 200, reply.body
    return Account(browser, email, reply.body["user"]["id"], reply.body["token"])
