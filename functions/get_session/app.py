"""GET /api/auth/get-session: the current session and user, or null (public: resolves the session itself)."""

from typing import Annotated

from spooky.http.api import create_app, lambda_handler
from spooky.http.auth import cleared_response, presented_token, remembered, token_response
from spooky.schemas.auth.sessions import SessionAndUser
from spooky.services.auth import sessions

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Query

app = create_app()


@app.get("/api/auth/get-session", summary="Current session", tags=["auth"])
def get_session(
    disable_refresh: Annotated[bool, Query(alias="disableRefresh")] = False,
    # Accepted for Better Auth clients; this API keeps no session cache in cookies.
    disable_cookie_cache: Annotated[bool, Query(alias="disableCookieCache")] = False,
) -> Response[SessionAndUser | None]:
    token = presented_token(app)
    answer = sessions.get_session(token, allow_refresh=remembered(app) and not disable_refresh)
    if answer.cleared:
        return cleared_response(None)
    if token is not None and answer.refreshed_max_age is not None:
        return token_response(answer.body, token, max_age=answer.refreshed_max_age)
    return Response(200, content_types.APPLICATION_JSON, answer.body)


handler = lambda_handler(app)
