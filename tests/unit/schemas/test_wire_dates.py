"""Dates on the wire: JavaScript's toISOString() form, whatever the datetime's precision or zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from spooky.models.keys import sortable_time
from spooky.schemas.common import WIRE_DATETIME_PATTERN, wire_datetime
from spooky.schemas.posts import PostOut

MOMENT = datetime(2026, 12, 1, 18, 11, 7, 571790, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "wire"),
    [
        (MOMENT, "2026-12-01T18:11:07.571Z"),
        # Truncated like a JavaScript Date, never rounded into the next second.
        (MOMENT.replace(microsecond=999999), "2026-12-01T18:11:07.999Z"),
        (MOMENT.replace(microsecond=0), "2026-12-01T18:11:07.000Z"),
        (MOMENT.astimezone(timezone(timedelta(hours=-5))), "2026-12-01T18:11:07.571Z"),
        (MOMENT.replace(tzinfo=None), "2026-12-01T18:11:07.571Z"),
    ],
)
def test_wire_datetime_is_utc_to_the_millisecond(moment: datetime, wire: str) -> None:
    assert wire_datetime(moment) == wire
    assert re.fullmatch(WIRE_DATETIME_PATTERN.strip("^$"), wire)


def test_response_schemas_send_milliseconds_and_keep_the_datetime_in_python() -> None:
    post = PostOut(id="p", name="n", createdById="u", createdAt=MOMENT, updatedAt=MOMENT, version=1)

    assert post.model_dump(mode="json")["createdAt"] == "2026-12-01T18:11:07.571Z"
    assert '"updatedAt":"2026-12-01T18:11:07.571Z"' in post.model_dump_json()
    assert post.model_dump()["createdAt"] == MOMENT


def test_keys_keep_their_microseconds() -> None:
    # Sort keys order posts created within the same millisecond; only the wire format is coarser.
    assert sortable_time(MOMENT) == "2026-12-01T18:11:07.571790Z"
