"""GET /posts: the global feed, newest first, with an opaque cursor."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from spooky.http.api import create_app, lambda_handler
from spooky.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from spooky.schemas.pages import PostPage
from spooky.services import posts

app = create_app()


@app.get("/posts", summary="Global feed of posts, newest first", tags=["posts"])
def list_posts(
    cursor: Annotated[str | None, Query(max_length=4096)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
) -> PostPage:
    return posts.feed(cursor, limit)


handler = lambda_handler(app)
