"""Signed-up users for the auth endpoint tests (handlers in-process, DynamoDB Local)."""

from __future__ import annotations

from dataclasses import dataclass

from spooky.ids import new_id
from tests.support.client import Browser, Reply

PASSWORD = "correct-horse-battery"


def new_email(name: str = "casper") -> str:
    return f"{name}-{new_id().lower()}@example.com"


def sign_up(browser: Browser, email: str, password: str = PASSWORD, **extra: object) -> Reply:
    return browser.call(
        "POST", "/api/auth/sign-up/email", {"name": "Casper", "email": email, "password": password, **extra}
    )


def sign_in(browser: Browser, email: str, password: str = PASSWORD, **extra: object) -> Reply:
    return browser.call("POST", "/api/auth/sign-in/email", {"email": email, "password": password, **extra})


@dataclass
class Account:
    browser: Browser
    email: str
    user_id: str
    token: str

    def bearer_client(self) -> Browser:
        """Another client holding this session as a bearer token (no cookies, no Origin)."""
        return Browser(origin=None, bearer=self.token)

    def another_device(self) -> Browser:
        """A second browser with its own session of this account."""
        device = Browser()
        assert sign_in(device, self.email).status == 200
        return device
