"""Users as the public routes show them (profiles, post authors): the email only to signed-in callers.

Apart from schemas.users so that the auth functions, which never show another user, do not create them.
"""

from typing import Any

from pydantic import Field

from spooky.schemas.common import WireModel
from spooky.schemas.users import UserFields


# Emails are personal data: public routes show them to signed-in callers only (docs/api.md).
def _email_for_signed_in() -> Any:
    return Field(
        default=None,
        exclude_if=lambda email: email is None,
        description="Only for signed-in callers: absent when the request presents no live session.",
    )


class PublicUserOut(UserFields):
    """A user on a public profile: the email only for signed-in callers."""

    email: str | None = _email_for_signed_in()


class AuthorOut(WireModel):
    """The specification's ``createdBy: { select: { name, email } }``; the email only when signed in."""

    id: str
    name: str
    email: str | None = _email_for_signed_in()
