"""Session tokens name their item (user id + session id) and prove possession with a 256-bit secret."""

from __future__ import annotations

import pytest

from spooky.auth.cookies import sign, unsign
from spooky.auth.session_tokens import SECRET_LENGTH, new_session_token, parse_session_token
from spooky.ids import new_id


def test_a_new_token_parses_back_to_its_ids() -> None:
    user_id = new_id()
    token = new_session_token(user_id)

    parsed = parse_session_token(token.value)

    assert parsed == token
    assert (parsed.user_id, parsed.session_id) == (user_id, token.session_id)
    assert token.value.isalnum()  # Better Auth's token alphabet: cookies and headers stay unchanged
    assert token.value not in token.hash
    assert unsign(sign(token.value)) == token.value


def test_imported_user_ids_of_another_length_still_parse() -> None:
    better_auth_id = "a" * 32
    token = new_session_token(better_auth_id)

    parsed = parse_session_token(token.value)

    assert parsed is not None
    assert parsed.user_id == better_auth_id


# A fixed id: parameters must be the same in every xdist worker, which collects on its own.
A_ULID = "01ARZ3NDEKTSV4RRFFQ69G5FAV"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "x" * SECRET_LENGTH,
        A_ULID + "A" * SECRET_LENGTH,  # no user id
        "u" + "not-a-ulid-at-all-000000000" + "A" * SECRET_LENGTH,
        "u" + A_ULID + "A" * (SECRET_LENGTH - 1) + "é",
        "u" + A_ULID + "A" * (SECRET_LENGTH - 1) + "\n",
        "ü" + A_ULID + "A" * SECRET_LENGTH,
    ],
)
def test_anything_else_is_not_a_token(value: str) -> None:
    assert parse_session_token(value) is None


def test_the_secret_is_what_matches() -> None:
    token = new_session_token(new_id())
    forged = parse_session_token(token.value[:-1] + ("B" if token.value[-1] != "B" else "C"))

    assert forged is not None
    assert token.matches(token.hash)
    assert not forged.matches(token.hash)
