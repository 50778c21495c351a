"""PATCH /posts/{postId}: edit a post (author only; If-Match makes it conditional on the version)."""

from typing import Annotated

from spooky.http.api import create_app, lambda_handler
from spooky.http.params import IfMatch, PostId
from spooky.http.request import caller_id
from spooky.http.versioning import etag_of, expected_version
from spooky.schemas.posts import PostChanges, PostOut
from spooky.services import posts

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body

app = create_app()


@app.patch("/posts/<postId>", summary="Edit a post", tags=["posts"])
def update_post(
    post_id: PostId, changes: Annotated[PostChanges, Body(embed=False)], if_match: IfMatch = None
) -> Response[PostOut]:
    post = posts.update_post(post_id, caller_id(app), changes, expected_version(if_match))
    return Response(200, content_types.APPLICATION_JSON, post, headers={"ETag": etag_of(post.version)})


handler = lambda_handler(app)
