"""GET /posts: the global feed, newest first, with an opaque cursor."""

from spooky.http.api import create_app, lambda_handler
from spooky.http.auth import presented_token
from spooky.http.params import DEFAULT_LIMIT, Cursor, Limit
from spooky.schemas.pages import PostPage
from spooky.services import posts, users

app = create_app()


@app.get(
    "/posts",
    summary="Global feed of posts, newest first",
    tags=["posts"],
    description=(
        "Public. Authors' emails are shown only to signed-in callers (a live session as a bearer token "
        "or cookie); for anonymous callers the `email` fields are absent."
    ),
)
def list_posts(
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> PostPage:
    # Public route: the handler resolves the session itself, only to decide whether emails show.
    return posts.feed(cursor, limit, show_email=users.sees_emails(presented_token(app)))


handler = lambda_handler(app)
