"""Path ids: checked before they reach a key, so junk ids are a 400, never a scan or a 5xx."""

from __future__ import annotations

import re

from spooky.errors import FieldError, ValidationFailed

# ULIDs (ours), cuids and Better Auth ids (imported users): letters, digits, '_' and '-'.
_ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def checked_id(value: str, field: str = "id") -> str:
    if not _ID_PATTERN.match(value):
        raise ValidationFailed([FieldError(field, "is not a valid id")])
    return value
