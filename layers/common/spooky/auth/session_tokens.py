"""Session tokens that name their own item: ``<userId><sessionId><secret>``.

The session lives in its user's item collection (pk=USER#<userId>, sk=SESSION#<sessionId>), so the
token must carry both ids: one strongly consistent BatchGetItem then reads the session and its user
together, and revoking "every session of a user" is a consistent Query of one partition. The secret
(43 characters of [A-Za-z0-9], 256 bits) is what proves possession; only its SHA-256 (of the whole
token) is stored. Ids are not secret: the user id is public and list-sessions shows session ids.

The token stays within Better Auth's alphabet ([A-Za-z0-9], signed as ``token.signature``), so cookies
and ``set-auth-token`` are unchanged for clients, which treat tokens as opaque.
"""

from __future__ import annotations

import hmac
import re
from typing import NamedTuple

from spooky.ids import ULID_LENGTH, is_ulid, new_id, new_token
from spooky.models.keys import secret_hash

SECRET_LENGTH = 43
# User ids are ULIDs here; imported users may keep longer ids from Better Auth (32 characters).
_USER_ID = re.compile(r"[A-Za-z0-9]{1,64}")
_SECRET = re.compile(rf"[A-Za-z0-9]{{{SECRET_LENGTH}}}")


class SessionToken(NamedTuple):
    user_id: str
    session_id: str
    value: str

    @property
    def hash(self) -> str:
        return secret_hash(self.value)

    def matches(self, stored_hash: str) -> bool:
        return hmac.compare_digest(self.hash, stored_hash)


def new_session_token(user_id: str) -> SessionToken:
    session_id = new_id()
    return SessionToken(user_id, session_id, f"{user_id}{session_id}{new_token(SECRET_LENGTH)}")


def parse_session_token(value: str) -> SessionToken | None:
    """The ids inside a presented token, or None when it cannot be one of ours (never raises)."""
    ids_end = len(value) - SECRET_LENGTH
    if ids_end <= ULID_LENGTH:
        return None
    user_id, session_id = value[: ids_end - ULID_LENGTH], value[ids_end - ULID_LENGTH : ids_end]
    if not (_USER_ID.fullmatch(user_id) and is_ulid(session_id) and _SECRET.fullmatch(value[ids_end:])):
        return None
    return SessionToken(user_id, session_id, value)
