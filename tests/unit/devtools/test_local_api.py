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
        if method != "OPTIONS"  # CORS preflight, answered by the gateway itself
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
