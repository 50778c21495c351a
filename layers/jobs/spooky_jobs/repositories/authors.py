"""Authors' copies on their posts (PostModel.author_name/author_email), refreshed after a rename."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.condition import Condition

from spooky.db.errors import is_condition_failure
from spooky.models.app import PostModel, UserModel
from spooky.repositories._query import RawItem
from spooky_jobs.repositories.post_rewrites import IndexLagging, rewrite_listed_posts


def _stale_copy(author: UserModel) -> Condition:
    """The post is still there, the author's, and its copy differs from ``author`` (judged on the item
    itself: the index's copy of the post may lag behind it)."""
    condition: Condition = (
        PostModel.pk.exists()
        & (PostModel.created_by_id == author.id)
        & (
            PostModel.author_name.does_not_exist()
            | (PostModel.author_name != author.name)
            | PostModel.author_email.does_not_exist()
            | (PostModel.author_email != author.email)
        )
    )
    return condition


def refresh_copy(raw: RawItem, author: UserModel) -> bool:
    """Write ``author``'s name and email on the post ``raw`` names, if they differ; True if written."""
    post = PostModel(raw["pk"]["S"], raw["sk"]["S"])
    try:
        # Not a new version of the post: its representation (GET /posts/{id}) does not change.
        post.update(
            [PostModel.author_name.set(author.name), PostModel.author_email.set(author.email)],
            condition=_stale_copy(author),
        )
    except UpdateError as error:
        if is_condition_failure(error):
            return False
        raise
    return True


def _live_author(user_id: str) -> UserModel | None:
    try:
        user = UserModel.get(*UserModel.key(user_id), consistent_read=True)
    except DoesNotExist:
        return None
    return user if user.deleted_at is None else None


def refresh_author_copies(user_id: str) -> int:
    """Bring every listed post of the user in step with their profile as it is now; the number written.

    The profile is read now (strongly consistent), not taken from the stream record, so an old record
    replayed late never writes back an old name. Every post is conditionally written (a post whose copy
    is current costs a failed condition and no index write: a retry after a timeout goes quickly over
    the posts done), paced (spooky_jobs.pacing); afterwards the posts seen must number the
    profile's postCount, else the index is still catching up and IndexLagging asks for a retry. A
    deleted user is left to the retention job: the feed hides their posts.
    """
    author = _live_author(user_id)
    if author is None:
        return 0
    seen, written = rewrite_listed_posts(user_id, lambda raw: refresh_copy(raw, author))
    if seen < int(author.post_count or 0):
        raise IndexLagging(f"the index lists {seen} of the {author.post_count} posts of user {user_id}")
    return written
