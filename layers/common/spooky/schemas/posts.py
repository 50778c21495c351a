"""Post schemas: the specification's rules (name non-empty, at most 255; content optional and bounded)."""

from pydantic import Field

from spooky.schemas.common import (
    PostContent,
    RequiredName,
    RequiredNameChange,
    Schema,
    WireDateTime,
    WireModel,
)
from spooky.schemas.public import AuthorOut


class NewPost(Schema):
    name: RequiredName
    content: PostContent | None = None


class PostChanges(Schema):
    name: RequiredNameChange = None
    content: PostContent | None = None


class PostOut(WireModel):
    id: str
    name: str
    content: str | None = None
    created_by_id: str = Field(alias="createdById")
    created_at: WireDateTime = Field(alias="createdAt")
    updated_at: WireDateTime = Field(alias="updatedAt")
    version: int
    created_by: AuthorOut | None = Field(default=None, alias="createdBy")
