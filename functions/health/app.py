"""GET /health: the database health check (200 healthy, 503 not), used by the canary and alarms."""

from spooky.http.api import create_app, lambda_handler
from spooky.schemas.health import HealthOut
from spooky.services import health as health_service

from aws_lambda_powertools.event_handler import Response, content_types

app = create_app()


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
    body = health_service.report()
    return Response(200 if body.healthy else 503, content_types.APPLICATION_JSON, body)


handler = lambda_handler(app)
