"""POST /api/auth/revoke-other-sessions: revoke every session of the signed-in user but the current one."""

from spooky.http.api import create_app, lambda_handler
from spooky.http.request import caller_id, caller_session_id
from spooky.schemas.auth.answers import StatusOut
from spooky.services.auth import sessions

app = create_app()


@app.post("/api/auth/revoke-other-sessions", summary="Revoke the other sessions", tags=["auth"])
def revoke_other_sessions() -> StatusOut:
    sessions.revoke_other_sessions(caller_id(app), caller_session_id(app))
    return StatusOut()


handler = lambda_handler(app)
