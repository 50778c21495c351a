"""Cursors are opaque and tamper-proof: only the listing that issued one accepts it, unedited."""

from __future__ import annotations

import string

import pytest

from spooky.errors import ValidationFailed
from spooky.pagination import MAX_CURSOR_LENGTH, MAX_PAGE_SIZE, check_page_size, decode_cursor, encode_cursor
from spooky.settings import get_settings

POSITION = {"position": {"pk": "POST#01J", "sk": "POST"}, "author": {"name": "Ada"}}
BASE64URL = string.ascii_letters + string.digits + "-_"


def test_a_cursor_round_trips_its_position() -> None:
    cursor = encode_cursor("user-posts:A", POSITION)
    assert decode_cursor("user-posts:A", cursor) == POSITION


def test_a_cursor_is_url_safe_and_does_not_show_its_position_in_clear() -> None:
    cursor = encode_cursor("user-posts:A", POSITION)
    assert set(cursor) <= set(BASE64URL + ".")
    assert "POST#01J" not in cursor


def test_a_cursor_is_refused_by_another_listing() -> None:
    cursor = encode_cursor("user-posts:A", POSITION)
    with pytest.raises(ValidationFailed) as caught:
        decode_cursor("user-posts:B", cursor)
    assert [error.field for error in caught.value.errors] == ["cursor"]


def test_every_single_character_edit_is_refused() -> None:
    cursor = encode_cursor("timeline:POSTS", {"0": "done", "1": {"pk": "POST#X"}})
    for index, original in enumerate(cursor):
        for replacement in ("A", "_", "0"):
            if replacement == original:
                continue
            edited = cursor[:index] + replacement + cursor[index + 1 :]
            with pytest.raises(ValidationFailed):
                decode_cursor("timeline:POSTS", edited)


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        ".",
        "abc",
        "a.b.c",
        "not base64!.sig",
        "\u00e9\u00e9.\u00e9\u00e9",
        "\ud800.\ud800",
        "x" * (MAX_CURSOR_LENGTH + 1),
    ],
)
def test_malformed_cursors_are_a_validation_error_never_a_crash(garbage: str) -> None:
    with pytest.raises(ValidationFailed):
        decode_cursor("user-posts:A", garbage)


def test_appending_padding_or_stray_characters_is_refused() -> None:
    cursor = encode_cursor("user-posts:A", POSITION)
    for edited in (cursor + "=", cursor + "==", cursor + "!", "=" + cursor):
        with pytest.raises(ValidationFailed):
            decode_cursor("user-posts:A", edited)


def test_a_cursor_signed_with_another_secret_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    cursor = encode_cursor("user-posts:A", POSITION)
    monkeypatch.setenv("AUTH_SECRET", "a-rotated-secret-that-is-different-0123456789")
    get_settings.cache_clear()
    with pytest.raises(ValidationFailed):
        decode_cursor("user-posts:A", cursor)


@pytest.mark.parametrize("limit", [1, 20, MAX_PAGE_SIZE])
def test_page_sizes_between_1_and_100_are_accepted(limit: int) -> None:
    assert check_page_size(limit) == limit


@pytest.mark.parametrize("limit", [0, -1, MAX_PAGE_SIZE + 1])
def test_page_sizes_outside_1_to_100_are_refused(limit: int) -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_page_size(limit)
    assert [error.field for error in caught.value.errors] == ["limit"]
