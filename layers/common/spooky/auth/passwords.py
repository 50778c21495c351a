"""Password rules and hashes: argon2id for every new hash; Better Auth's scrypt format is still verified.

argon2id parameters (argon2-cffi's defaults, RFC 9106's second recommended option): time cost 3,
memory 64 MiB, parallelism 4, 16-byte salt, 32-byte hash. One hash or verify takes ~100 ms on a
1024 MB Lambda; the functions that hash get that memory size in template.yaml. argon2 is imported on
first use only, so functions that never hash (the authorizer, listings) do not pay for it at cold start.

Better Auth stores ``salt_hex:key_hex`` where the 32-character hex string itself (its ASCII bytes) is
the salt and key = scrypt(NFKC(password), N=16384, r=16, p=1, dkLen=64). Users exported from the
existing app sign in with it once; the hash is then replaced by an argon2id one.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

from spooky.auth import errors

if TYPE_CHECKING:
    from argon2 import PasswordHasher

# Better Auth's defaults (minPasswordLength / maxPasswordLength), in JavaScript string length.
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128

ARGON2_TIME_COST = 3
ARGON2_MEMORY_COST_KIB = 64 * 1024
ARGON2_PARALLELISM = 4
ARGON2_HASH_LENGTH = 32
ARGON2_SALT_LENGTH = 16

SCRYPT_N = 16384
SCRYPT_R = 16
SCRYPT_P = 1
SCRYPT_KEY_LENGTH = 64
# 128 * N * r = 32 MiB of working memory; hashlib's default cap (32 MiB, inclusive of overhead) is too small.
SCRYPT_MAX_MEMORY = 64 * 1024 * 1024
_SCRYPT_HASH = re.compile(r"^([0-9a-f]{32}):([0-9a-f]{128})$")

# An argon2id hash of a random, forgotten password, made with the parameters above: verifying against it
# costs what verifying a real hash costs, so unknown accounts answer no faster than known ones.
_DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$32BZiWNfR1wou9tij1S23w$mk+1FEMsk9PsveOPhLNwqM7WWOrk0mQ6WQzOgMyMZKM"
)


class PasswordCheck(NamedTuple):
    valid: bool
    # True when the stored hash should be replaced (scrypt import, or weaker argon2 parameters).
    needs_rehash: bool = False


def password_length(password: str) -> int:
    """Length as Better Auth measures it (JavaScript's UTF-16 code units), so the limits match exactly."""
    return len(password.encode("utf-16-le")) // 2


def check_password_rules(password: str) -> None:
    length = password_length(password)
    if length < MIN_PASSWORD_LENGTH:
        raise errors.password_too_short()
    if length > MAX_PASSWORD_LENGTH:
        raise errors.password_too_long()


@cache
def _hasher() -> PasswordHasher:
    # Deferred: only the functions that hash load argon2 (and its native library).
    from argon2 import PasswordHasher, Type

    return PasswordHasher(
        time_cost=ARGON2_TIME_COST,
        memory_cost=ARGON2_MEMORY_COST_KIB,
        parallelism=ARGON2_PARALLELISM,
        hash_len=ARGON2_HASH_LENGTH,
        salt_len=ARGON2_SALT_LENGTH,
        type=Type.ID,
    )


def hash_password(password: str) -> str:
    """A new argon2id hash (PHC string format, salt included)."""
    return _hasher().hash(password)


def _verify_argon2(stored: str, password: str) -> PasswordCheck:
    from argon2.exceptions import VerificationError, VerifyMismatchError

    hasher = _hasher()
    try:
        hasher.verify(stored, password)
    except (VerifyMismatchError, VerificationError):
        return PasswordCheck(valid=False)
    return PasswordCheck(valid=True, needs_rehash=hasher.check_needs_rehash(stored))


def scrypt_key(password: str, salt_hex: str) -> bytes:
    """Better Auth's key derivation: the salt is the hex string's bytes, the password NFKC-normalised."""
    return hashlib.scrypt(
        unicodedata.normalize("NFKC", password).encode(),
        salt=salt_hex.encode(),
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
        dklen=SCRYPT_KEY_LENGTH,
        maxmem=SCRYPT_MAX_MEMORY,
    )


def _verify_scrypt(salt_hex: str, key_hex: str, password: str) -> PasswordCheck:
    matches = hmac.compare_digest(scrypt_key(password, salt_hex), bytes.fromhex(key_hex))
    return PasswordCheck(valid=matches, needs_rehash=matches)


def verify_password(stored: str | None, password: str) -> PasswordCheck:
    """Check ``password`` against a stored argon2id or Better Auth scrypt hash, in constant time.

    A missing or unrecognised hash still costs one argon2 verification, so the answer time does not
    tell an attacker whether the account (or its password) exists.
    """
    if stored and stored.startswith("$argon2"):
        return _verify_argon2(stored, password)
    scrypt = _SCRYPT_HASH.match(stored or "")
    if scrypt:
        return _verify_scrypt(scrypt.group(1), scrypt.group(2), password)
    spend_verification_time(password)
    return PasswordCheck(valid=False)


def spend_verification_time(password: str) -> None:
    """Do the work of a real verification for a request that has no account to check against."""
    _verify_argon2(_DUMMY_HASH, password)
