"""GET /health: the database health check (200 healthy, 503 not), used by the canary and alarms."""

from aws_lambda_powertools.event_handler import Response, content_types
from pydantic import BaseModel

from spooky.http.api import create_app, lambda_handler
from spooky.schemas.common import WireDateTime
from spooky.services.health import check_database

app = create_app()


class CheckOut(BaseModel):
    name: str
    healthy: bool
    latencyMs: float  # noqa: N815 - wire name
    error: str | None = None


class HealthOut(BaseModel):
    healthy: bool
    timestamp: WireDateTime
    checks: list[CheckOut]


@app.get(
    "/health",
    summary="Database health",
    tags=["operations"],
    responses={
        200: {"description": "Every table answers"},
        503: {"description": "A table does not answer (the checks say which)"},
    },
)
def health() -> Response[HealthOut]:
    result = check_database()
    body = HealthOut(
        healthy=result.healthy,
        timestamp=result.timestamp,
        checks=[
            CheckOut(name=c.name, healthy=c.healthy, latencyMs=round(c.latency_ms, 2), error=c.error)
            for c in result.checks
        ],
    )
    return Response(200 if result.healthy else 503, content_types.APPLICATION_JSON, body)


handler = lambda_handler(app)
