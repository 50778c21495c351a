"""The local API mounts exactly template.yaml's routes and answers like the template's API Gateway."""

from __future__ import annotations

import json

import pytest

from devtools import local_api
from devtools.local_api import gateway_response, template_api
from devtools.template import routes


def test_every_template_route_is_mounted_with_its_authorizer() -> None:
    mounted = {
        (method, route.path, route.authorizer_name is not None)
        for route in template_api().routes
        for method in route.methods
        # CORS plumbing (CorsFunction): preflights and the catch-all for unknown paths
        if method != "OPTIONS" and route.path != "/{proxy+}"
    }

    assert mounted == {(route.method, route.path, route.authorized) for route in routes()}


@pytest.mark.parametrize("response_type", ["UNAUTHORIZED", "ACCESS_DENIED"])
def test_refusals_are_the_templates_401(response_type: str) -> None:
    response = gateway_response(response_type)

    assert response.status == 401
    assert json.loads(response.body) == {"code": "UNAUTHORIZED", "message": "Unauthorized"}


def test_uncustomized_responses_use_the_default_template_with_api_gateways_message(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    configured = {
        "DEFAULT_4XX": {
            "ResponseTemplates": {"application/json": '{"error": $context.error.messageString}'},
            "ResponseParameters": {"Headers": {"Access-Control-Allow-Origin": "'*'"}},
        }
    }
    monkeypatch.setattr(local_api, "_template_gateway_responses", lambda: configured)

    response = gateway_response("MISSING_AUTHENTICATION_TOKEN")

    assert response.status == 403
    assert json.loads(response.body) == {"error": "Missing Authentication Token"}
    assert response.headers == {"Access-Control-Allow-Origin": "*"}


def test_the_authorizers_denial_names_the_origin_its_context_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRUSTED_ORIGINS", "http://localhost:5173,http://localhost:3000")

    denied = gateway_response("ACCESS_DENIED", {"Origin": "http://localhost:3000"}, {"corsOrigin": "x"})
    untrusted = gateway_response("ACCESS_DENIED", {"Origin": "https://evil.example"}, {"corsOrigin": ""})

    assert denied.headers["Access-Control-Allow-Origin"] == "x"
    assert "Access-Control-Allow-Origin" not in untrusted.headers


def test_literal_gateway_headers_follow_the_local_trusted_origins(monkeypatch: pytest.MonkeyPatch) -> None:
    # TRUSTED_ORIGINS stands for the TrustedOrigins parameter: the template names its first origin.
    monkeypatch.setenv("TRUSTED_ORIGINS", "http://localhost:5173,http://localhost:3000")

    response = gateway_response("MISSING_AUTHENTICATION_TOKEN")

    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
