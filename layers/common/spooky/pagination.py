"""Opaque, tamper-proof cursors: a signed continuation of one particular listing.

A cursor is ``base64url(json) "." base64url(hmac)``; the HMAC covers the listing's scope (e.g. the
user id), so a cursor cannot be edited, forged, or replayed against another listing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any, NamedTuple, TypeVar

from spooky.errors import FieldError, ValidationFailed
from spooky.signing import signing_secret

T = TypeVar("T")
MAX_CURSOR_LENGTH = 4096
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class Page[T](NamedTuple):
    items: list[T]
    next_cursor: str | None


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(scope: str, payload: str) -> bytes:
    message = f"cursor:{scope}:{payload}".encode()
    return hmac.new(signing_secret(), message, hashlib.sha256).digest()


def encode_cursor(scope: str, position: dict[str, Any]) -> str:
    payload = _b64encode(json.dumps(position, separators=(",", ":"), sort_keys=True).encode())
    return f"{payload}.{_b64encode(_signature(scope, payload))}"


def invalid_cursor() -> ValidationFailed:
    return ValidationFailed([FieldError("cursor", "is not a valid cursor for this listing")])


def decode_cursor(scope: str, cursor: str) -> dict[str, Any]:
    """The position inside ``cursor``; ValidationFailed if it is malformed, edited or from another listing."""
    invalid = invalid_cursor()
    if len(cursor) > MAX_CURSOR_LENGTH or cursor.count(".") != 1:
        raise invalid
    payload, signature = cursor.split(".")
    try:
        # Compare the canonical text, not decoded bytes: base64 decoding ignores padding bits and
        # stray characters, which would let edited cursors through.
        expected = _b64encode(_signature(scope, payload)).encode()
        if not hmac.compare_digest(expected, signature.encode()):
            raise invalid
        position = json.loads(_b64decode(payload))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise invalid from None
    if not isinstance(position, dict):
        raise invalid
    return position


def check_page_size(limit: int) -> int:
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValidationFailed([FieldError("limit", f"must be between 1 and {MAX_PAGE_SIZE}")])
    return limit
