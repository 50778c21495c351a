"""Calling the real handlers in-process, as API Gateway would, and the callers the scenarios need.

Events come from devtools.events.rest_event and handlers from devtools.functions.load_handler (the
same path tests/support/client.py takes); the Lambda authorizer runs on its own, as in API Gateway, and its
context is passed to the route's handler.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from devtools.events import rest_event
from devtools.functions import load_handler
from devtools.lambda_context import LocalLambdaContext
from devtools.template import Route, authorizer_function, routes
from spooky.ids import new_id, new_token

ORIGIN = "http://localhost:3000"
SIGN_UP = ("POST", "/api/auth/sign-up/email")
SIGN_IN = ("POST", "/api/auth/sign-in/email")


class SetupFailed(RuntimeError):
    """A scenario could not prepare its request (a prerequisite endpoint failed or is missing)."""


@dataclass(frozen=True)
class Request:
    path_parameters: dict[str, str] = field(default_factory=dict)
    query: str = ""
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # requestContext.authorizer: what the Lambda authorizer returned for this caller.
    authorizer: dict[str, Any] | None = None


@dataclass(frozen=True)
class Response:
    status: int
    text: str

    def json(self) -> Any:
        return json.loads(self.text) if self.text else None


@cache
def route(method: str, path: str) -> Route:
    return next(r for r in routes() if (r.method, r.path) == (method, path))


def concrete_path(template_path: str, parameters: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda match: parameters[match.group(1)], template_path)


def event_for(target: Route, request: Request) -> dict[str, Any]:
    return rest_event(
        target.method,
        target.path,
        concrete_path(target.path, request.path_parameters),
        path_parameters=request.path_parameters,
        query=request.query,
        headers=request.headers,
        body=request.body,
        authorizer=request.authorizer,
    )


def invoke(target: Route, request: Request) -> Response:
    """The handler's answer to ``request``, as API Gateway would receive it."""
    return prepared(target, request)()


def prepared(target: Route, request: Request) -> Callable[[], Response]:
    """``invoke`` with the handler looked up and the event and context built once, so that a call costs
    what the handler costs (API Gateway builds the event, the Lambda runtime the context)."""
    handler = load_handler(target.function)
    event = event_for(target, request)
    context = LocalLambdaContext(target.function)

    def call() -> Response:
        raw = handler(event, context)
        return Response(int(raw["statusCode"]), raw.get("body") or "")

    return call


def call(method: str, path: str, request: Request) -> Response:
    """A setup call: must succeed."""
    target = route(method, path)
    response = invoke(target, request)
    if response.status >= 400:
        raise SetupFailed(f"{method} {path} answered {response.status}: {response.text[:200]}")
    return response


# ---------------------------------------------------------------- authorizer


def authorizer_event(token: str, target: Route, path_parameters: dict[str, str]) -> dict[str, Any]:
    """The REQUEST authorizer event API Gateway sends before ``target``'s handler."""
    request = Request(path_parameters=path_parameters, headers={"Authorization": f"Bearer {token}"})
    event = event_for(target, request)
    event.update(
        type="REQUEST",
        methodArn=f"arn:aws:execute-api:us-east-1:000000000000:local/local/{target.method}{target.path}",
    )
    return event


def authorize(token: str, target: Route, path_parameters: dict[str, str] | None = None) -> dict[str, Any]:
    """requestContext.authorizer for ``token``: the context the authorizer function returns."""
    logical_id = authorizer_function()
    if not logical_id:
        raise SetupFailed("needs the Lambda authorizer")
    event = authorizer_event(token, target, path_parameters or {})
    try:
        result = load_handler(logical_id)(event, LocalLambdaContext(logical_id))
    except Exception as error:
        raise SetupFailed(f"the authorizer failed: {error}") from error
    if result["policyDocument"]["Statement"][0]["Effect"] != "Allow":  # a refusal is a Deny policy
        raise SetupFailed("the authorizer refused the session")
    return {"principalId": result["principalId"], **result.get("context", {})}


# ---------------------------------------------------------------- actors


@dataclass(frozen=True)
class Actor:
    """A signed-up user with a password and a session token."""

    user_id: str
    email: str
    password: str
    token: str

    @property
    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Origin": ORIGIN}

    def signed_in(
        self,
        target: Route,
        headers: dict[str, str] | None = None,
        path_parameters: dict[str, str] | None = None,
        **fields: Any,
    ) -> Request:
        """A request as this actor: bearer token, and the authorizer's context on authorized routes."""
        parameters = path_parameters or {}
        authorizer = authorize(self.token, target, parameters) if target.authorized else None
        return Request(
            path_parameters=parameters,
            headers={**self.bearer, **(headers or {})},
            authorizer=authorizer,
            **fields,
        )


ACTOR_NAME = "Bench Actor"


def new_actor() -> Actor:
    """A new user with a session, signed up through the sign-up endpoint."""
    email = f"actor-{new_id().lower()}@bench.example.com"
    password = f"pw-{new_token(20)}"
    body = {"name": ACTOR_NAME, "email": email, "password": password}
    answer = call(*SIGN_UP, Request(headers={"Origin": ORIGIN}, body=body)).json()
    return Actor(answer["user"]["id"], email, password, answer["token"])


def sign_in_again(actor: Actor) -> str:
    """A second session of ``actor``, through the sign-in endpoint."""
    body = {"email": actor.email, "password": actor.password}
    token: str = call(*SIGN_IN, Request(headers={"Origin": ORIGIN}, body=body)).json()["token"]
    return token
