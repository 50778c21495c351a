"""Validation building blocks and the one way to turn pydantic errors into a domain error."""

import re
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationError,
    WithJsonSchema,
)

from spooky.errors import BadRequest, FieldError, ValidationFailed

EMAIL_MAX_LENGTH = 255
NAME_MAX_LENGTH = 255
# 20,000 characters are at most 80 KB of UTF-8: a post item stays far below DynamoDB's 400 KB limit.
POST_CONTENT_MAX_LENGTH = 20_000

# Control characters have no place in text: C0 other than tab, newline and carriage return (NUL
# included), DEL, and C1 (U+0080-U+009F: CSI and others act on terminals and log viewers like ESC).
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

S = TypeVar("S", bound=BaseModel)


def _clean_text(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text (no lone surrogates)") from None
    if _CONTROL_CHARACTERS.search(value):
        raise ValueError("must not contain control characters")
    return value


def _not_null(value: str | None) -> str:
    # Runs on sent values only (defaults are not validated): absent leaves a field, null would remove it.
    if value is None:
        raise ValueError("cannot be null")
    return value


def _non_blank(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("cannot be empty")
    return value


def normalize_email(value: str) -> str:
    """The email as stored and compared: syntax-checked, at most 255 characters, lower-cased."""
    # Imported on first use: its module-level regexes cost ~20 ms of every cold start, and only the
    # requests that carry an email (sign-up, sign-in, password reset, ...) need it.
    from email_validator import EmailNotValidError, validate_email

    if len(value) > EMAIL_MAX_LENGTH:
        raise ValueError(f"must be at most {EMAIL_MAX_LENGTH} characters")
    try:
        checked = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise ValueError(f"Email must be valid: {error}") from None
    normalized = checked.normalized.lower()
    if len(normalized) > EMAIL_MAX_LENGTH:
        raise ValueError(f"must be at most {EMAIL_MAX_LENGTH} characters")
    return normalized


def _at_most(limit: int) -> AfterValidator:
    def check(value: str) -> str:
        if len(value) > limit:
            raise ValueError(f"must be at most {limit} characters")
        return value

    return AfterValidator(check)


def documented(**json_schema: Any) -> Any:
    """What the validators above enforce, said in the OpenAPI document (it does not validate anything)."""
    return Field(json_schema_extra=json_schema)


Email = Annotated[
    str,
    AfterValidator(_clean_text),
    AfterValidator(normalize_email),
    documented(format="email", maxLength=EMAIL_MAX_LENGTH),
]
# A required, trimmed, non-empty name of at most 255 characters (User.name, Post.name).
RequiredName = Annotated[
    str,
    AfterValidator(_clean_text),
    AfterValidator(_non_blank),
    _at_most(NAME_MAX_LENGTH),
    documented(minLength=1, maxLength=NAME_MAX_LENGTH),
]
# RequiredName in a change set: may be left out, never set to null (every user and post has a name).
RequiredNameChange = Annotated[RequiredName | None, AfterValidator(_not_null)]
OptionalName = Annotated[
    str, AfterValidator(_clean_text), _at_most(NAME_MAX_LENGTH), documented(maxLength=NAME_MAX_LENGTH)
]
ImageUrl = Annotated[str, AfterValidator(_clean_text), _at_most(2048), documented(maxLength=2048)]
# Redirect targets: checked against the trusted origins by the services (spooky.auth.origin).
RedirectTarget = Annotated[str, Field(max_length=2048)]
# Tokens from links, cookies or listings; never longer than a signed session token.
TokenText = Annotated[str, Field(min_length=1, max_length=512)]
PostContent = Annotated[
    str,
    AfterValidator(_clean_text),
    _at_most(POST_CONTENT_MAX_LENGTH),
    documented(maxLength=POST_CONTENT_MAX_LENGTH),
]


# JavaScript's Date.prototype.toISOString(): what Better Auth's server sends and its client expects.
WIRE_DATETIME_PATTERN = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$"
WIRE_DATETIME_EXAMPLE = "2026-12-01T18:11:07.571Z"


def wire_datetime(moment: datetime) -> str:
    """``moment`` in UTC to the millisecond, e.g. ``2026-12-01T18:11:07.571Z``.

    Better Auth's client reads any fraction as milliseconds (``.571790`` would be 571,790 ms, almost ten
    minutes later), so the wire never carries microseconds. Naive datetimes are UTC, as stored.
    """
    utc = moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
    # isoformat, not strftime: a third of the time, on every date of every response.
    return utc.isoformat(timespec="milliseconds") + "Z"


# The type of every date in a response body. Only the JSON form changes: in Python the value stays a
# datetime, and DynamoDB keys (spooky.models.keys.sortable_time) keep their microseconds.
WireDateTime = Annotated[
    datetime,
    PlainSerializer(wire_datetime, return_type=str, when_used="json"),
    WithJsonSchema(
        {
            "type": "string",
            "format": "date-time",
            "pattern": WIRE_DATETIME_PATTERN,
            "examples": [WIRE_DATETIME_EXAMPLE],
        },
        mode="serialization",
    ),
]


# Every schema is built on first use (defer_build), not when its module is imported: a function imports
# modules that define the models of many routes but validates only its own, and building them all cost
# ~4% of an auth function's cold start, ~2% of a post function's (the ones it uses are built by its first
# request instead).


class Schema(BaseModel):
    """Base for input schemas: unknown fields are refused, strings are not coerced from numbers."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True, defer_build=True)


class WireModel(BaseModel):
    """Base for response bodies: wire names (the fields' aliases) out, Python names or aliases in."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True, defer_build=True)


def require_changes(changes: BaseModel) -> None:
    """A change set must name at least one field: an empty one is refused, as Better Auth's update-user."""
    if not changes.model_fields_set:
        raise BadRequest("No fields to update", code="NO_FIELDS_TO_UPDATE")


def field_errors(error: ValidationError) -> list[FieldError]:
    return [
        FieldError(
            field=".".join(str(part) for part in item["loc"]) or "body",
            message=str(item["msg"]).removeprefix("Value error, "),
        )
        for item in error.errors()
    ]


def validate[S: BaseModel](schema: type[S], data: Any) -> S:
    """Validate ``data`` against ``schema``; raise ValidationFailed with field-level messages."""
    try:
        return schema.model_validate(data)
    except ValidationError as error:
        raise ValidationFailed(field_errors(error)) from None
