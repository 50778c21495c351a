"""Post input: the seed's rules (name non-empty, at most 255; content optional with a documented maximum)."""

from __future__ import annotations

import pytest

from spooky.errors import FieldError, ValidationFailed
from spooky.schemas.common import NAME_MAX_LENGTH, POST_CONTENT_MAX_LENGTH, validate
from spooky.schemas.posts import NewPost, PostChanges


def refused(data: dict[str, object], schema: type[NewPost] | type[PostChanges] = NewPost) -> list[FieldError]:
    with pytest.raises(ValidationFailed) as caught:
        validate(schema, data)
    return caught.value.errors


def test_post_name_is_trimmed() -> None:
    assert validate(NewPost, {"name": "  Hello  "}).name == "Hello"


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_blank_post_name_is_refused_with_the_seed_message(name: str) -> None:
    assert refused({"name": name}) == [FieldError("name", "cannot be empty")]


def test_post_name_limit_is_255_characters_after_trimming() -> None:
    assert validate(NewPost, {"name": " " + "x" * NAME_MAX_LENGTH + " "}).name == "x" * NAME_MAX_LENGTH
    assert refused({"name": "x" * (NAME_MAX_LENGTH + 1)}) == [
        FieldError("name", f"must be at most {NAME_MAX_LENGTH} characters")
    ]


def test_post_name_is_required() -> None:
    assert [error.field for error in refused({"content": "body"})] == ["name"]


def test_content_is_optional_and_bounded_to_keep_items_far_below_400_kb() -> None:
    assert validate(NewPost, {"name": "n"}).content is None
    longest = "\u20ac" * POST_CONTENT_MAX_LENGTH  # 3 UTF-8 bytes each: still 60 KB
    assert validate(NewPost, {"name": "n", "content": longest}).content == longest
    assert len(longest.encode()) < 100_000
    assert [
        error.field for error in refused({"name": "n", "content": "x" * (POST_CONTENT_MAX_LENGTH + 1)})
    ] == ["content"]


def test_content_keeps_newlines_and_tabs_but_refuses_nul_and_lone_surrogates() -> None:
    assert (
        validate(NewPost, {"name": "n", "content": "line 1\n\tline 2\r\n"}).content == "line 1\n\tline 2\r\n"
    )
    assert [error.field for error in refused({"name": "n", "content": "a\x00b"})] == ["content"]
    assert [error.field for error in refused({"name": "n\ud800", "content": "ok"})] == ["name"]


@pytest.mark.parametrize("control", ["\x80", "\x85", "\x9b[31m", "\x9f", "\x7f", "\x1b"])
def test_c1_controls_are_refused_like_c0(control: str) -> None:
    # C1 (U+0080-U+009F) was accepted: "\x9b" is a one-character CSI, as "\x1b[" is in C0.
    assert [error.field for error in refused({"name": f"a{control}b"})] == ["name"]
    assert [error.field for error in refused({"name": "n", "content": control})] == ["content"]


def test_the_characters_around_c1_are_text() -> None:
    text = "~\u00a0\u00a9\u00ff"  # before DEL, and no-break space, copyright, y-diaeresis after C1
    assert validate(NewPost, {"name": text, "content": text}).content == text


def test_unknown_fields_are_refused_not_ignored() -> None:
    assert [error.field for error in refused({"name": "n", "createdById": "someone-else"})] == ["createdById"]


def test_every_broken_field_is_reported_at_once() -> None:
    errors = refused({"name": " ", "content": 7, "extra": True})
    assert {error.field for error in errors} == {"name", "content", "extra"}
    assert all(error.message for error in errors)


def test_changes_may_clear_content_but_not_blank_the_name() -> None:
    changes = validate(PostChanges, {"content": None})
    assert changes.model_dump(exclude_unset=True) == {"content": None}
    assert [error.field for error in refused({"name": "  "}, PostChanges)] == ["name"]


def test_validation_failed_message_names_each_field() -> None:
    error = ValidationFailed([FieldError("name", "cannot be empty"), FieldError("content", "too long")])
    assert error.code == "VALIDATION_ERROR"
    assert str(error) == "[name] cannot be empty; [content] too long"


def test_changes_may_leave_the_name_out_but_not_null_it() -> None:
    assert validate(PostChanges, {"content": "c"}).model_fields_set == {"content"}
    with pytest.raises(ValidationFailed) as refused_null:
        validate(PostChanges, {"name": None})
    assert refused_null.value.errors == [FieldError("name", "cannot be null")]
