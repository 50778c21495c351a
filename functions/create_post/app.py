"""POST /posts: create a post as the signed-in user (the specification's user + post transaction)."""

from typing import Annotated

from spooky.http.api import create_app, lambda_handler
from spooky.http.params import IdempotencyKey
from spooky.http.request import caller_id, caller_name_and_email
from spooky.http.versioning import etag_of
from spooky.idempotency import use_lambda_context
from spooky.schemas.posts import NewPost, PostOut
from spooky.services import posts

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body

app = create_app()


@app.post("/posts", summary="Create a post", tags=["posts"], status_code=201)
def create_post(
    new_post: Annotated[NewPost, Body(embed=False)], idempotency_key: IdempotencyKey = None
) -> Response[PostOut]:
    use_lambda_context(app.lambda_context)
    post = posts.create_post(caller_id(app), new_post, idempotency_key, known=caller_name_and_email(app))
    return Response(201, content_types.APPLICATION_JSON, post, headers={"ETag": etag_of(post.version)})


handler = lambda_handler(app)
