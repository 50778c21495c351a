"""Public reads (a profile, the feed, an author's posts): anyone may call them, emails show only to
signed-in callers.

No authorizer stands in front of these routes, so each resolves the presented session itself, only to
decide whether the answer carries emails (docs/security.md, "emails of authors only for signed-in callers").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from spooky.http.auth import presented_token
from spooky.services import users

DESCRIPTION = (
    "Public. Emails are shown only to signed-in callers (a live session as a bearer token or cookie); "
    "for anonymous callers the `email` fields are absent."
)


def get[F: Callable[..., Any]](
    app: APIGatewayRestResolver, rule: str, *, summary: str, tags: list[str]
) -> Callable[[F], F]:
    """``app.get`` for a public read: its OpenAPI description states the email rule."""
    return app.get(rule, summary=summary, tags=tags, description=DESCRIPTION)


def sees_emails(app: APIGatewayRestResolver) -> bool:
    """Whether this request presents a live session (an anonymous one costs no DynamoDB request)."""
    return users.sees_emails(presented_token(app))
