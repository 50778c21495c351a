"""GET /api/auth/list-sessions: the signed-in user's active sessions (``token`` carries the session id)."""

from spooky.http.api import create_app, lambda_handler
from spooky.http.request import caller_id, caller_session_id
from spooky.schemas.auth.sessions import SessionOut
from spooky.services.auth import sessions

app = create_app()


@app.get("/api/auth/list-sessions", summary="List sessions", tags=["auth"])
def list_sessions() -> list[SessionOut]:
    return sessions.list_sessions(caller_id(app), caller_session_id(app))


handler = lambda_handler(app)
