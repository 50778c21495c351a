"""Time helpers: all timestamps are timezone-aware UTC; TTL attributes are epoch seconds."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
