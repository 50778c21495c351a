"""GET /users/{userId}/posts: a user's posts, newest first, with an opaque cursor."""

from spooky.http.api import create_app, lambda_handler
from spooky.http.auth import presented_token
from spooky.http.params import DEFAULT_LIMIT, Cursor, Limit, UserId
from spooky.schemas.pages import UserPostsPage
from spooky.services import posts, users

app = create_app()


@app.get(
    "/users/<userId>/posts",
    summary="A user's posts, newest first",
    tags=["posts"],
    description=(
        "Public. Authors' emails are shown only to signed-in callers (a live session as a bearer token "
        "or cookie); for anonymous callers the `email` fields are absent."
    ),
)
def list_user_posts(
    user_id: UserId,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> UserPostsPage:
    # Public route: the handler resolves the session itself, only to decide whether emails show.
    return posts.list_user_posts(user_id, cursor, limit, show_email=users.sees_emails(presented_token(app)))


handler = lambda_handler(app)
