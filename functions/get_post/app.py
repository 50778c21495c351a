"""GET /posts/{postId}: one post."""

from spooky.http.api import create_app, lambda_handler
from spooky.http.params import PostId
from spooky.http.versioning import etag_of
from spooky.schemas.posts import PostOut
from spooky.services import posts

from aws_lambda_powertools.event_handler import Response, content_types

app = create_app()


@app.get("/posts/<postId>", summary="One post", tags=["posts"])
def get_post(post_id: PostId) -> Response[PostOut]:
    post = posts.get_post(post_id)
    return Response(200, content_types.APPLICATION_JSON, post, headers={"ETag": etag_of(post.version)})


handler = lambda_handler(app)
