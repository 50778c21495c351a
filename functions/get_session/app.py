"""GET /api/auth/get-session: the current session and user, or null (public: resolves the session itself)."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Query

from spooky.http.api import create_app, lambda_handler
from spooky.http.auth import cleared_response, presented_token, remembered, token_response
from spooky.schemas.auth import SessionAndUser
from spooky.services.auth import sessions
from spooky.services.users import to_user_out

app = create_app()


@app.get("/api/auth/get-session", summary="Current session", tags=["auth"])
def get_session(
    disable_refresh: Annotated[bool, Query(alias="disableRefresh")] = False,
    # Accepted for Better Auth clients; this API keeps no session cache in cookies.
    disable_cookie_cache: Annotated[bool, Query(alias="disableCookieCache")] = False,
) -> Response[SessionAndUser | None]:
    token = presented_token(app)
    if token is None:
        return Response(200, content_types.APPLICATION_JSON, None)
    current = sessions.current_session(token, allow_refresh=remembered(app) and not disable_refresh)
    if current is None:
        return cleared_response(None)
    body = SessionAndUser(
        session=sessions.to_session_out(current.session, token), user=to_user_out(current.user)
    )
    if current.refreshed:
        return token_response(body, token, max_age=current.max_age_seconds)
    return Response(200, content_types.APPLICATION_JSON, body)


handler = lambda_handler(app)
