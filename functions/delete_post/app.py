"""DELETE /posts/{postId}: soft-delete a post (author only)."""

from spooky.http.api import create_app, lambda_handler
from spooky.http.params import IfMatch, PostId
from spooky.http.request import caller_id
from spooky.http.versioning import expected_version
from spooky.services import posts

from aws_lambda_powertools.event_handler import Response

app = create_app()


@app.delete("/posts/<postId>", summary="Soft-delete a post", tags=["posts"], status_code=204)
def delete_post(post_id: PostId, if_match: IfMatch = None) -> Response[None]:
    posts.delete_post(post_id, caller_id(app), expected_version(if_match))
    return Response(204)


handler = lambda_handler(app)
