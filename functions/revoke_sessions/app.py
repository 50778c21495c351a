"""POST /api/auth/revoke-sessions: revoke every session of the signed-in user, the current one included."""

from spooky.http.api import create_app, lambda_handler
from spooky.http.request import caller_id
from spooky.schemas.auth.answers import StatusOut
from spooky.services.auth import sessions

app = create_app()


@app.post("/api/auth/revoke-sessions", summary="Revoke all sessions", tags=["auth"])
def revoke_sessions() -> StatusOut:
    sessions.revoke_sessions(caller_id(app))
    return StatusOut()


handler = lambda_handler(app)
