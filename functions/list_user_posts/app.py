"""GET /users/{userId}/posts: a user's posts, newest first, with an opaque cursor."""

from spooky.http import public
from spooky.http.api import create_app, lambda_handler
from spooky.http.params import DEFAULT_LIMIT, Cursor, Limit, UserId
from spooky.schemas.pages import UserPostsPage
from spooky.services import posts

app = create_app()


@public.get(app, "/users/<userId>/posts", summary="A user's posts, newest first", tags=["posts"])
def list_user_posts(user_id: UserId, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT) -> UserPostsPage:
    return posts.list_user_posts(user_id, cursor, limit, show_email=public.sees_emails(app))


handler = lambda_handler(app)
