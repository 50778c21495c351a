"""Pseudonyms for personal data kept in the audit log: a keyed hash (HMAC-SHA256) instead of the value.

The audit log outlives an account by years (docs/operations.md), so it keeps no one's email, name,
address or words. A keyed hash still lets an investigator who holds the key see that two records
carry the same value, or check a value they already know (``python -m devtools.audit pseudonym``);
without the key it reveals nothing, and a plain hash would not do: emails and names are guessable,
so an unkeyed hash is reversed by trying candidates.

The key is derived from the signing secret (HKDF-SHA256, RFC 5869, with a label of its own), so no
new secret has to be provisioned and the audit key does not reveal the signing secret: an
investigator can be given the audit key alone. ``key_id`` names the key in every record, because a
rotated signing secret means new pseudonyms (SSM keeps the parameter's earlier versions).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from functools import lru_cache
from typing import Any

from spooky.signing import signing_secret

# HKDF's salt and info: change the label and every pseudonym changes (a new key id says so).
_HKDF_SALT = b"spooky-mvp"
AUDIT_KEY_LABEL = b"audit-log pseudonyms v1"
# 128 bits: no two values collide by accident, and a record stays small.
DIGEST_HEX_LENGTH = 32
KEY_ID_HEX_LENGTH = 12


@lru_cache(maxsize=4)  # per secret: Powertools hands back the same secret until it is rotated
def derive_audit_key(secret: bytes) -> bytes:
    """HKDF-SHA256 of the signing secret, one 32-byte block: extract, then expand with the label."""
    prk = hmac.new(_HKDF_SALT, secret, hashlib.sha256).digest()
    return hmac.new(prk, AUDIT_KEY_LABEL + b"\x01", hashlib.sha256).digest()


def audit_key() -> bytes:
    return derive_audit_key(signing_secret())


def key_id(key: bytes) -> str:
    """Names the key without revealing it, so an investigator knows which secret version to use."""
    return hmac.new(key, b"key id", hashlib.sha256).hexdigest()[:KEY_ID_HEX_LENGTH]


def _digest(value: Any, key: bytes) -> str:
    # Strings as themselves (what an investigator types); anything else as canonical JSON.
    data = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
    return hmac.new(key, data.encode(), hashlib.sha256).hexdigest()[:DIGEST_HEX_LENGTH]


def pseudonym(value: Any, key: bytes) -> str:
    """An identifying value (email, name, IP address, user agent): equal values, equal pseudonyms."""
    return f"[HMAC {_digest(value, key)}]"


def text_pseudonym(value: Any, key: bytes) -> str:
    """Free text (a post's title and content): also its length, so an edit's size stays visible."""
    length = len(value) if isinstance(value, str) else len(json.dumps(value, default=str))
    return f"[TEXT length={length} HMAC {_digest(value, key)}]"
