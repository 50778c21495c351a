"""CORS answers only the trusted origins (with credentials); API Gateway throttles every route."""

from __future__ import annotations

from devtools.template import resources
from tests.support.client import call

TRUSTED = "http://localhost:3000"


def test_trusted_origin_is_allowed_with_credentials(local_tables: dict[str, str]) -> None:
    reply = call("GET", "/posts", headers={"Origin": TRUSTED})

    assert reply.header("Access-Control-Allow-Origin") == TRUSTED
    assert reply.header("Access-Control-Allow-Credentials") == "true"
    assert "set-auth-token" in (reply.header("Access-Control-Expose-Headers") or "")


def test_untrusted_origin_gets_no_cors_grant(local_tables: dict[str, str]) -> None:
    reply = call("GET", "/posts", headers={"Origin": "https://evil.example"})

    assert reply.status == 200
    assert reply.header("Access-Control-Allow-Origin") is None


def test_every_route_is_throttled_by_the_stage() -> None:
    (api,) = resources("AWS::Serverless::Api").values()
    settings = api["Properties"]["MethodSettings"]

    assert {"ResourcePath": "/*", "HttpMethod": "*"}.items() <= settings[0].items()
    assert settings[0]["ThrottlingRateLimit"] > 0
    assert settings[0]["ThrottlingBurstLimit"] > 0
