"""GET /health's answer (wire names as field names)."""

from __future__ import annotations

from pydantic import BaseModel

from spooky.schemas.common import WireDateTime


class CheckOut(BaseModel):
    name: str
    healthy: bool
    latencyMs: float  # noqa: N815 - wire name
    error: str | None = None


class HealthOut(BaseModel):
    healthy: bool
    timestamp: WireDateTime
    checks: list[CheckOut]
