"""User schemas: what may be written, and the user object on the wire (Better Auth's shape)."""

from typing import Any

from pydantic import Field, field_validator

from spooky.schemas.common import (
    Email,
    ImageUrl,
    OptionalName,
    RequiredName,
    Schema,
    WireDateTime,
    WireModel,
)


class NewUser(Schema):
    """A user about to be created. emailVerified, stripeCustomerId, ids and timestamps are not inputs."""

    name: RequiredName
    email: Email
    image: ImageUrl | None = None
    first_name: OptionalName | None = Field(default=None, alias="firstName")
    last_name: OptionalName | None = Field(default=None, alias="lastName")


class UserChanges(Schema):
    """Profile fields a user may change about themselves (email is immutable, as in Better Auth)."""

    name: RequiredName | None = None
    image: ImageUrl | None = None
    first_name: OptionalName | None = Field(default=None, alias="firstName")
    last_name: OptionalName | None = Field(default=None, alias="lastName")

    @field_validator("name")
    @classmethod
    def _name_cannot_be_removed(cls, name: str | None) -> str | None:
        # An explicit null would REMOVE the attribute, and every user has a name.
        if name is None:
            raise ValueError("cannot be null")
        return name


# Emails are personal data: public routes show them to signed-in callers only (docs/api.md).
def _email_for_signed_in() -> Any:
    return Field(
        default=None,
        exclude_if=lambda email: email is None,
        description="Only for signed-in callers: absent when the request presents no live session.",
    )


class _UserFields(WireModel):
    id: str
    name: str
    email_verified: bool = Field(alias="emailVerified")
    image: str | None = None
    first_name: str | None = Field(default=None, alias="firstName")
    last_name: str | None = Field(default=None, alias="lastName")
    created_at: WireDateTime = Field(alias="createdAt")
    updated_at: WireDateTime = Field(alias="updatedAt")


class UserOut(_UserFields):
    """A user as the user themselves sees it (auth responses)."""

    email: str


class PublicUserOut(_UserFields):
    """A user on a public profile: the email only for signed-in callers."""

    email: str | None = _email_for_signed_in()


class AuthorOut(WireModel):
    """The specification's ``createdBy: { select: { name, email } }``; the email only when signed in."""

    id: str
    name: str
    email: str | None = _email_for_signed_in()
