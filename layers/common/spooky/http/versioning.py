"""ETag out, If-Match in: optimistic concurrency over an item's version number."""

from __future__ import annotations

from spooky.errors import FieldError, ValidationFailed


def etag_of(version: int) -> str:
    return f'"{version}"'


def expected_version(if_match: str | None) -> int | None:
    """The version named by an If-Match header, or None when there is none (last write wins)."""
    if if_match is None:
        return None
    value = if_match.strip().removeprefix("W/").strip('"')
    if not value.isdigit() or len(value) > 12:
        raise ValidationFailed([FieldError("If-Match", "must be an ETag returned by this API")])
    return int(value)
