"""Password rules and hashes: Better Auth's limits, argon2id for new hashes, Better Auth's scrypt verified."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest

from spooky.auth import passwords
from spooky.auth.passwords import check_password_rules, hash_password, verify_password
from spooky.errors import BadRequest

# Computed with Node's crypto.scryptSync (not this code): Better Auth's format, where the 32 hex
# characters themselves are the salt bytes and the password is NFKC-normalised first.
#   crypto.scryptSync(pw.normalize("NFKC"), salt, 64, {N: 16384, r: 16, p: 1, maxmem: 128 * 16384 * 16 * 2})
SALT = "8f1c2b3a4d5e6f708192a3b4c5d6e7f8"
BETTER_AUTH_HASH = (
    f"{SALT}:2d51d7ca76f829a2931b2b0db8dd3c25bf98735986fc5ac3f3c108b34221abdb"
    "3a5adf312b63dd237ec6b24c6d0edb75294ff0ca951320ea5c4dae668d65df92"
)
BETTER_AUTH_PASSWORD = "correct horse battery staple"
# "password123" typed in full-width characters, hashed by Better Auth: NFKC makes it "password123".
FULL_WIDTH_PASSWORD = "".join(chr(ord(character) + 0xFEE0) for character in "password123")
BETTER_AUTH_NFKC_HASH = (
    f"{SALT}:e8fc7118ff5c0d435f7b1f21b9014f11857690ba3f5bcf0ecc9a71586bb17b50"
    "824bf6a79d941824fe0c9349a8fb5d4dd5fe8f4f1ba4be8e47ada3eb5305a4b2"
)


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("x" * 7, "PASSWORD_TOO_SHORT"),
        ("", "PASSWORD_TOO_SHORT"),
        ("x" * 129, "PASSWORD_TOO_LONG"),
        # JavaScript counts an emoji as two characters: 65 emoji are 130 "characters" to Better Auth.
        ("😱" * 65, "PASSWORD_TOO_LONG"),
    ],
)
def test_passwords_outside_better_auths_limits_are_refused_with_its_codes(password: str, code: str) -> None:
    with pytest.raises(BadRequest) as refused:
        check_password_rules(password)

    assert refused.value.code == code


@pytest.mark.parametrize("password", ["x" * 8, "x" * 128, "😱" * 4, "😱" * 64])
def test_passwords_within_the_limits_are_accepted(password: str) -> None:
    check_password_rules(password)


def test_new_hashes_are_argon2id_with_the_documented_parameters() -> None:
    stored = hash_password("hunter2hunter2")

    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert stored != hash_password("hunter2hunter2")  # salted
    assert verify_password(stored, "hunter2hunter2") == passwords.PasswordCheck(
        valid=True, needs_rehash=False
    )
    assert not verify_password(stored, "hunter2hunter3").valid


def test_better_auth_scrypt_hashes_verify_and_ask_to_be_rehashed() -> None:
    assert verify_password(BETTER_AUTH_HASH, BETTER_AUTH_PASSWORD) == passwords.PasswordCheck(True, True)
    assert verify_password(BETTER_AUTH_HASH, BETTER_AUTH_PASSWORD.upper()) == passwords.PasswordCheck(False)


@pytest.mark.parametrize("typed", [FULL_WIDTH_PASSWORD, "password123"])
def test_better_auth_normalises_passwords_to_nfkc(typed: str) -> None:
    assert verify_password(BETTER_AUTH_NFKC_HASH, typed).valid


def test_weaker_argon2_hashes_verify_and_ask_to_be_rehashed() -> None:
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("hunter2hunter2")

    assert verify_password(weak, "hunter2hunter2") == passwords.PasswordCheck(valid=True, needs_rehash=True)


@pytest.mark.parametrize(
    "stored",
    [
        None,
        "",
        "not-a-hash",
        f"{SALT}:abcd",
        "$argon2id$v=19$m=65536,t=3,p=4$garbage",
        f"{SALT.upper()}:{'0' * 128}",
    ],
)
def test_missing_or_malformed_hashes_never_match(stored: str | None) -> None:
    assert verify_password(stored, "whatever-password") == passwords.PasswordCheck(valid=False)


def test_the_dummy_hash_costs_what_a_real_verification_costs() -> None:
    assert not passwords._hasher().check_needs_rehash(passwords._DUMMY_HASH)


def _fastest(run: Callable[[], object], rounds: int = 3) -> float:
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return min(timings)


def test_an_unknown_account_takes_as_long_as_a_wrong_password() -> None:
    stored = hash_password("the-real-password")

    known = _fastest(lambda: verify_password(stored, "a-wrong-password"))
    unknown = _fastest(lambda: verify_password(None, "a-wrong-password"))

    assert 0.5 < unknown / known < 2
