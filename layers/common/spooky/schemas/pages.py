"""Response envelopes for listings and the profile."""

from pydantic import Field

from spooky.schemas.common import WireModel
from spooky.schemas.posts import PostOut
from spooky.schemas.public import AuthorOut, PublicUserOut


class PostPage(WireModel):
    items: list[PostOut]
    next_cursor: str | None = Field(default=None, alias="nextCursor")


class UserPostsPage(PostPage):
    author: AuthorOut


class Profile(WireModel):
    """The specification's ``user`` include ``posts: { take: 10, orderBy: { createdAt: 'desc' } }``."""

    user: PublicUserOut
    posts: list[PostOut]
