"""Identifiers and secrets.

Entity ids are ULIDs: 26 URL-safe characters, collision-resistant (80 random bits per millisecond) and
lexicographically sortable by creation time, so a post's id doubles as its "newest first" sort key.
"""

from __future__ import annotations

import re
import secrets
import string

from ulid import ULID

ULID_LENGTH = 26
_ULID_PATTERN = re.compile(rf"[0-9A-HJKMNP-TV-Z]{{{ULID_LENGTH}}}")
_TOKEN_ALPHABET = string.ascii_letters + string.digits
# 43 characters from a 62-letter alphabet carry 256 bits of entropy.
_TOKEN_LENGTH = 43


def new_id() -> str:
    return str(ULID())


def is_valid_id(value: str) -> bool:
    return bool(_ULID_PATTERN.fullmatch(value))


def new_token(length: int = _TOKEN_LENGTH) -> str:
    """A cryptographically random token of [A-Za-z0-9] (256 bits at the default length)."""
    return "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(length))
