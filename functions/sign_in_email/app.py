"""POST /api/auth/sign-in/email: check email and password, open a session (Better Auth)."""

from typing import Annotated

from spooky.http.api import create_app, lambda_handler
from spooky.http.auth import client_of, session_response
from spooky.schemas.auth.credentials import SignInBody, SignInOut
from spooky.services.auth import credentials

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body

app = create_app()


@app.post("/api/auth/sign-in/email", summary="Sign in with email and password", tags=["auth"])
def sign_in_email(body: Annotated[SignInBody, Body(embed=False)]) -> Response[SignInOut]:
    signed_in = credentials.sign_in(
        body.email,
        body.password,
        remember=body.remember_me is not False,
        client=client_of(app),
        callback_url=body.callback_url,
    )
    return session_response(signed_in.body, signed_in.session)


handler = lambda_handler(app)
