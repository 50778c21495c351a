"""CORS for every trusted origin and no other: the template routes every preflight and unknown path to
CorsFunction, the authorizer's refusal names the caller's origin, and no literal origin list is left."""

from __future__ import annotations

import json
from typing import Any

import pytest

from devtools.events import authorizer_event, rest_event
from devtools.functions import load_handler
from devtools.lambda_context import LocalLambdaContext
from devtools.template import preflight_paths, resources, routes
from spooky.settings import get_settings

FRONT_ENDS = ("http://localhost:5173", "https://app.example.com")


@pytest.fixture(autouse=True)
def _two_front_ends(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTED_ORIGINS", ",".join(FRONT_ENDS))
    get_settings.cache_clear()


def invoke(function: str, event: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = load_handler(function)(event, LocalLambdaContext(function))
    return result


def headers_of(response: dict[str, Any]) -> dict[str, str]:
    return {name: values[-1] for name, values in response["multiValueHeaders"].items()}


def test_every_route_path_has_its_preflight() -> None:
    assert preflight_paths() == {route.path for route in routes()}


def test_api_gateway_is_not_left_to_answer_preflights_for_a_single_origin() -> None:
    (api,) = resources("AWS::Serverless::Api").values()

    assert "Cors" not in api["Properties"]


@pytest.mark.parametrize("origin", FRONT_ENDS)
def test_every_trusted_origin_passes_the_preflight(origin: str) -> None:
    event = rest_event(
        "OPTIONS", "/api/auth/sign-up/email", "/api/auth/sign-up/email", headers={"Origin": origin}
    )

    response = invoke("CorsFunction", event)
    headers = headers_of(response)

    assert response["statusCode"] == 204
    assert headers["Access-Control-Allow-Origin"] == origin
    assert headers["Access-Control-Allow-Credentials"] == "true"
    assert {"POST", "PATCH", "DELETE"} <= set(headers["Access-Control-Allow-Methods"].split(","))
    assert "Authorization" in headers["Access-Control-Allow-Headers"]
    assert headers["Vary"] == "Origin"


def test_an_untrusted_origin_is_never_echoed() -> None:
    event = rest_event("OPTIONS", "/posts", "/posts", headers={"Origin": "https://evil.example"})

    headers = headers_of(invoke("CorsFunction", event))

    assert not any(name.startswith("Access-Control-") for name in headers)


def test_unknown_paths_are_a_404_every_trusted_origin_can_read() -> None:
    event = rest_event("GET", "/{proxy+}", "/api/auth/nope", headers={"Origin": FRONT_ENDS[1]})

    response = invoke("CorsFunction", event)

    assert response["statusCode"] == 404
    assert json.loads(response["body"]) == {"code": "NOT_FOUND", "message": "Not found"}
    assert headers_of(response)["Access-Control-Allow-Origin"] == FRONT_ENDS[1]


@pytest.mark.parametrize(("origin", "named"), [(FRONT_ENDS[1], FRONT_ENDS[1]), ("https://evil.example", "")])
def test_the_authorizers_refusal_names_only_a_trusted_origin(
    moto_tables: dict[str, str], origin: str, named: str
) -> None:
    event = authorizer_event(rest_event("POST", "/posts", "/posts", headers={"Origin": origin}))

    policy = invoke("SessionAuthorizerFunction", event)

    assert policy["policyDocument"]["Statement"][0]["Effect"] == "Deny"
    assert policy["context"] == {"corsOrigin": named}


def test_the_401_gateway_response_echoes_the_authorizers_origin() -> None:
    (api,) = resources("AWS::Serverless::Api").values()
    denied = api["Properties"]["GatewayResponses"]["ACCESS_DENIED"]

    assert denied["StatusCode"] == 401
    assert (
        denied["ResponseParameters"]["Headers"]["Access-Control-Allow-Origin"]
        == "context.authorizer.corsOrigin"
    )


def test_refusals_before_routing_carry_cors() -> None:
    event = rest_event(
        "POST", "/posts", "/posts", headers={"Origin": FRONT_ENDS[0], "Content-Type": "text/plain"}, body="x"
    )

    response = invoke("CreatePostFunction", event)

    assert response["statusCode"] == 415
    assert headers_of(response)["Access-Control-Allow-Origin"] == FRONT_ENDS[0]
