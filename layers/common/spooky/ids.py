"""Identifiers and secrets, and the two rules ids are checked by.

Entity ids this API creates are ULIDs: 26 URL-safe characters, collision-resistant (80 random bits per
millisecond) and lexicographically sortable by creation time, so a post's id doubles as its "newest
first" sort key (``new_id``, ``is_ulid``). Ids in request paths are checked by a looser rule, since
imported users keep their cuid or Better Auth ids (``checked_path_id``): junk ids are a 400, never a
scan or a 5xx.
"""

from __future__ import annotations

import re
import secrets
import string

from spooky.errors import FieldError, ValidationFailed

ULID_LENGTH = 26
_ULID_PATTERN = re.compile(rf"[0-9A-HJKMNP-TV-Z]{{{ULID_LENGTH}}}")
# ULIDs (ours), cuids and Better Auth ids (imported users): letters, digits, '_' and '-'.
_PATH_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
_TOKEN_ALPHABET = string.ascii_letters + string.digits
# 43 characters from a 62-letter alphabet carry 256 bits of entropy.
_TOKEN_LENGTH = 43


def new_id() -> str:
    # Imported on first use (~3 ms: it reads its own package metadata): functions that only read never
    # make an id.
    from ulid import ULID

    return str(ULID())


def is_ulid(value: str) -> bool:
    """Whether ``value`` is an id this API made (sessions' ids, for instance): a ULID."""
    return bool(_ULID_PATTERN.fullmatch(value))


def checked_path_id(value: str, field: str = "id") -> str:
    """``value`` if it may be any entity's id (ours or imported), else a 400 naming ``field``."""
    if not _PATH_ID_PATTERN.fullmatch(value):
        raise ValidationFailed([FieldError(field, "is not a valid id")])
    return value


def new_token(length: int = _TOKEN_LENGTH) -> str:
    """A cryptographically random token of [A-Za-z0-9] (256 bits at the default length)."""
    return "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(length))
