"""POST /api/auth/sign-up/email: create a user with email and password and sign them in (Better Auth)."""

from typing import Annotated

from spooky.http.api import create_app, lambda_handler
from spooky.http.auth import client_of, session_response
from spooky.schemas.auth.credentials import SignUpBody, TokenAndUser
from spooky.services.auth import credentials
from spooky.settings import api_base_url

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body

app = create_app()


@app.post("/api/auth/sign-up/email", summary="Sign up with email and password", tags=["auth"])
def sign_up_email(body: Annotated[SignUpBody, Body(embed=False)]) -> Response[TokenAndUser]:
    signed_in = credentials.sign_up(body, client=client_of(app), api_base_url=api_base_url())
    return session_response(signed_in.body, signed_in.session)


handler = lambda_handler(app)
