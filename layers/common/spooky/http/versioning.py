"""ETag out, If-Match in: optimistic concurrency over an item's version number."""

from __future__ import annotations

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from spooky.errors import FieldError, ValidationFailed


def etag_of(version: int) -> str:
    return f'"{version}"'


def expected_version(app: APIGatewayRestResolver) -> int | None:
    """The version named by If-Match, or None when the client sent none (last write wins)."""
    header = app.current_event.headers.get("if-match") or app.current_event.headers.get("If-Match")
    if header is None:
        return None
    value = header.strip().removeprefix("W/").strip('"')
    if not value.isdigit() or len(value) > 12:
        raise ValidationFailed([FieldError("If-Match", "must be an ETag returned by this API")])
    return int(value)
