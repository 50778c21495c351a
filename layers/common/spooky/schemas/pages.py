"""Response envelopes for listings and the profile."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from spooky.schemas.posts import PostOut
from spooky.schemas.users import AuthorOut, PublicUserOut


class PostPage(BaseModel):
    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    items: list[PostOut]
    next_cursor: str | None = Field(default=None, alias="nextCursor")


class UserPostsPage(PostPage):
    author: AuthorOut


class Profile(BaseModel):
    """The specification's ``user`` include ``posts: { take: 10, orderBy: { createdAt: 'desc' } }``."""

    user: PublicUserOut
    posts: list[PostOut]
