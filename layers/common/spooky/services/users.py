"""User use cases that are not authentication: the public profile."""

from __future__ import annotations

from spooky.models.app import UserModel
from spooky.repositories import users as user_repository
from spooky.schemas.pages import Profile
from spooky.schemas.users import AuthorOut, UserOut
from spooky.services.ids import checked_id
from spooky.services.posts import to_post_out


def to_user_out(user: UserModel) -> UserOut:
    return UserOut.model_validate(user, from_attributes=True)


def profile(user_id: str, post_limit: int = 10) -> Profile:
    """The seed's "user with their 10 newest posts", in one DynamoDB request."""
    user, posts = user_repository.get_profile(checked_id(user_id), post_limit)
    author = AuthorOut(id=user.id, name=user.name, email=user.email)
    return Profile(user=to_user_out(user), posts=[to_post_out(post, author) for post in posts])
