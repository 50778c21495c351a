"""GET /health's answer (wire names as field names)."""

from spooky.schemas.common import WireDateTime, WireModel


class CheckOut(WireModel):
    name: str
    healthy: bool
    latencyMs: float  # noqa: N815 - wire name
    error: str | None = None


class HealthOut(WireModel):
    healthy: bool
    timestamp: WireDateTime
    checks: list[CheckOut]
