"""Route parameters shared by several functions, declared once (names match template.yaml's paths)."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Header, Path, Query

from spooky.pagination import DEFAULT_PAGE_SIZE, MAX_CURSOR_LENGTH, MAX_PAGE_SIZE

UserId = Annotated[str, Path(alias="userId", description="User id")]
PostId = Annotated[str, Path(alias="postId", description="Post id")]
Cursor = Annotated[
    str | None, Query(max_length=MAX_CURSOR_LENGTH, description="nextCursor of the previous page")
]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE, description="Page size")]
DEFAULT_LIMIT = DEFAULT_PAGE_SIZE
IfMatch = Annotated[
    str | None,
    Header(alias="If-Match", max_length=64, description="ETag of the version this change applies to"),
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=255,
        description="Makes a retried request replay the first response",
    ),
]
