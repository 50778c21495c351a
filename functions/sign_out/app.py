"""POST /api/auth/sign-out: revoke the presented session and clear the cookies (public: reads it itself)."""

from spooky.http.api import create_app, lambda_handler
from spooky.http.auth import cleared_response, presented_token
from spooky.schemas.auth.answers import SuccessOut
from spooky.services.auth import sessions

from aws_lambda_powertools.event_handler import Response

app = create_app()


@app.post("/api/auth/sign-out", summary="Sign out", tags=["auth"])
def sign_out() -> Response[SuccessOut]:
    sessions.end_session(presented_token(app))
    return cleared_response(SuccessOut())


handler = lambda_handler(app)
