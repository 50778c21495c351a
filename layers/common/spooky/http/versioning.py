"""ETag out, If-Match in: optimistic concurrency over an item's version number."""

from __future__ import annotations

import re

from spooky.errors import FieldError, ValidationFailed

# ASCII digits only: str.isdigit() (and \d without re.ASCII) also accept "²", which int() refuses (a 500),
# and "٣", which no ETag of this API contains. At most 12: no item reaches a trillion versions.
_VERSION = re.compile(r"[0-9]{1,12}")


def etag_of(version: int) -> str:
    return f'"{version}"'


def expected_version(if_match: str | None) -> int | None:
    """The version named by an If-Match header, or None when there is none (last write wins)."""
    if if_match is None:
        return None
    value = if_match.strip().removeprefix("W/").strip('"')
    if not _VERSION.fullmatch(value):
        raise ValidationFailed([FieldError("If-Match", "must be an ETag returned by this API")])
    return int(value)
