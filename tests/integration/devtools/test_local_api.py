"""The local API over real HTTP: template routes, the Lambda authorizer and API Gateway's own answers.

The real SessionAuthorizerFunction is tested on its own; here stubs mostly stand in for it, so these
tests pin how the gateway treats whatever an authorizer decides.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from devtools.dynamodb_local import free_port
from devtools.functions import LambdaHandler, load_handler
from devtools.local_api import LocalApi
from devtools.local_env import InProcessRunner, apply_environment, local_environment
from tests.integration.conftest import LocalDynamo
from tests.support.factories import make_user

UNAUTHORIZED = {"code": "UNAUTHORIZED", "message": "Unauthorized"}
NOT_FOUND = {"code": "NOT_FOUND", "message": "Not found"}

Serve = Callable[..., str]


def policy(event: dict[str, Any], effect: str, user_id: str) -> dict[str, Any]:
    return {
        "principalId": user_id,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": effect, "Resource": event["methodArn"]}],
        },
        "context": {"userId": user_id, "sessionId": "session-1"},
    }


def bearer_authorizer(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    """Allows `Authorization: Bearer <user id>` and refuses anything else, as Lambda authorizers do."""
    token = (event.get("headers") or {}).get("Authorization", "").removeprefix("Bearer ")
    if not token:
        raise Exception("Unauthorized")
    return policy(event, "Allow", token)


def denying_authorizer(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    return policy(event, "Deny", "someone")


def crashing(_event: dict[str, Any], _context: Any) -> dict[str, Any]:
    raise RuntimeError("boom")


def echo_authorizer_context(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    return {"statusCode": 200, "body": json.dumps(event["requestContext"]["authorizer"])}


@pytest.fixture
def serve(
    monkeypatch: pytest.MonkeyPatch, local_dynamo: LocalDynamo, local_tables: dict[str, str]
) -> Iterator[Serve]:
    """Starts a local API whose functions are the real handlers except the ``stubs`` given."""
    apply_environment(local_environment(local_dynamo.endpoint, local_tables), setenv=monkeypatch.setenv)
    started: list[LocalApi] = []

    def start(**stubs: LambdaHandler) -> str:
        def load(function: str) -> LambdaHandler:
            return stubs[function] if function in stubs else load_handler(function)

        api = LocalApi(InProcessRunner(load), port=free_port())
        api.start()
        started.append(api)
        return api.url

    yield start
    for api in started:
        api.stop()


def call(
    method: str, url: str, body: dict[str, Any] | None = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    request = urllib.request.Request(
        url,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_health_is_served_by_its_handler(serve: Serve) -> None:
    status, body = call("GET", f"{serve()}/health")

    assert status == 200
    assert body["healthy"] is True


@pytest.mark.parametrize(("method", "path"), [("GET", "/nope"), ("PUT", "/health"), ("GET", "/posts/a/b")])
def test_unknown_routes_get_the_templates_not_found_response(serve: Serve, method: str, path: str) -> None:
    assert call(method, f"{serve()}{path}") == (404, NOT_FOUND)


def test_head_is_not_served_where_the_template_declares_only_get(serve: Serve) -> None:
    request = urllib.request.Request(f"{serve()}/health", method="HEAD")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)

    assert refused.value.code == 404


@pytest.mark.parametrize(
    ("authorizer", "expected"),
    [
        (bearer_authorizer, (401, UNAUTHORIZED)),  # raises "Unauthorized": no credentials
        (denying_authorizer, (401, UNAUTHORIZED)),  # ACCESS_DENIED, mapped to 401 by the template
        (crashing, (503, {"code": "SERVICE_UNAVAILABLE", "message": "Authorizer unavailable, retry"})),
    ],
    ids=["no-credentials", "denied", "authorizer-crash"],
)
def test_protected_route_is_refused_before_its_handler(
    serve: Serve, authorizer: LambdaHandler, expected: tuple[int, Any]
) -> None:
    url = serve(SessionAuthorizerFunction=authorizer, CreatePostFunction=crashing)

    assert call("POST", f"{url}/posts", {"name": "hello"}) == expected


def test_the_templates_authorizer_refuses_anonymous_requests(serve: Serve) -> None:
    assert call("POST", f"{serve()}/posts", {"name": "hello"}) == (401, UNAUTHORIZED)


def test_allowed_request_carries_the_authorizer_context(serve: Serve) -> None:
    url = serve(SessionAuthorizerFunction=bearer_authorizer, CreatePostFunction=echo_authorizer_context)

    status, context = call("POST", f"{url}/posts", {}, {"Authorization": "Bearer user-1"})

    assert status == 200
    assert context == {"userId": "user-1", "sessionId": "session-1", "principalId": "user-1"}


def test_signed_in_user_creates_a_post_through_the_real_handler(serve: Serve) -> None:
    author = make_user()
    url = serve(SessionAuthorizerFunction=bearer_authorizer)

    status, post = call("POST", f"{url}/posts", {"name": "Boo"}, {"Authorization": f"Bearer {author.id}"})

    assert status == 201
    assert (post["name"], post["createdById"]) == ("Boo", author.id)


def test_public_route_skips_the_authorizer(serve: Serve) -> None:
    url = serve(SessionAuthorizerFunction=crashing)

    assert call("GET", f"{url}/health")[0] == 200


def test_handler_crash_is_api_gateways_502(serve: Serve) -> None:
    url = serve(HealthFunction=crashing)

    assert call("GET", f"{url}/health") == (502, {"message": "Internal server error"})


def test_swagger_ui_and_the_spec_load_offline_from_the_local_api(serve: Serve) -> None:
    url = serve()

    with urllib.request.urlopen(f"{url}/docs", timeout=10) as response:
        page = response.read().decode()
    with urllib.request.urlopen(f"{url}/docs/openapi.json", timeout=10) as response:
        spec = json.loads(response.read())
    with urllib.request.urlopen(f"{url}/docs/swagger-ui-bundle.min.js", timeout=10) as response:
        script = response.read()

    assert "/docs/swagger-ui-bundle.min.js" in page
    assert "SwaggerUIBundle" in page
    assert "https://" not in page.split("spec:")[0]  # no CDN: the assets come from this server
    assert "/api/auth/sign-up/email" in spec["paths"]
    assert spec["servers"] == [{"url": url}]
    assert len(script) > 100_000
