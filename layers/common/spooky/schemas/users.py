"""User schemas: what may be written, and the user object on the wire (Better Auth's shape)."""

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


class UserFields(WireModel):
    """What every shape of a user on the wire shows (UserOut here, PublicUserOut in schemas.public)."""

    id: str
    name: str
    email_verified: bool = Field(alias="emailVerified")
    image: str | None = None
    first_name: str | None = Field(default=None, alias="firstName")
    last_name: str | None = Field(default=None, alias="lastName")
    created_at: WireDateTime = Field(alias="createdAt")
    updated_at: WireDateTime = Field(alias="updatedAt")


class UserOut(UserFields):
    """A user as the user themselves sees it (auth responses)."""

    email: str
