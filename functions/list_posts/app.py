"""GET /posts: the global feed, newest first, with an opaque cursor."""

from spooky.http import public
from spooky.http.api import create_app, lambda_handler
from spooky.http.params import DEFAULT_LIMIT, Cursor, Limit
from spooky.schemas.pages import PostPage
from spooky.services import posts

app = create_app()


@public.get(app, "/posts", summary="Global feed of posts, newest first", tags=["posts"])
def list_posts(cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT) -> PostPage:
    return posts.feed(cursor, limit, show_email=public.sees_emails(app))


handler = lambda_handler(app)
