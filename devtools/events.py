"""API Gateway REST proxy events (payload 1.0), as API Gateway builds them for a Lambda integration."""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any
from urllib.parse import parse_qsl


def rest_event(
    method: str,
    resource: str,
    path: str,
    *,
    path_parameters: dict[str, str] | None = None,
    query: str = "",
    headers: dict[str, str] | None = None,
    body: str | bytes | dict[str, Any] | None = None,
    authorizer: dict[str, Any] | None = None,
    source_ip: str = "127.0.0.1",
    stage: str = "local",
) -> dict[str, Any]:
    headers = dict(headers or {})
    encoded = False
    if isinstance(body, dict):
        body = json.dumps(body)
        headers.setdefault("Content-Type", "application/json")
    if isinstance(body, bytes):
        raw = body
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError:
            encoded = True
            body = base64.b64encode(raw).decode()
    pairs = parse_qsl(query, keep_blank_values=True)
    multi_query: dict[str, list[str]] = {}
    for key, value in pairs:
        multi_query.setdefault(key, []).append(value)
    request_id = str(uuid.uuid4())
    return {
        "resource": resource,
        "path": path,
        "httpMethod": method.upper(),
        "headers": headers or None,
        "multiValueHeaders": {key: [value] for key, value in headers.items()} or None,
        "queryStringParameters": {key: values[-1] for key, values in multi_query.items()} or None,
        "multiValueQueryStringParameters": multi_query or None,
        "pathParameters": path_parameters or None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": resource,
            "httpMethod": method.upper(),
            "path": f"/{stage}{path}",
            "stage": stage,
            "requestId": request_id,
            "extendedRequestId": request_id,
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime()),
            "requestTimeEpoch": int(time.time() * 1000),
            "accountId": "000000000000",
            "apiId": "local",
            "protocol": "HTTP/1.1",
            "identity": {"sourceIp": source_ip, "userAgent": headers.get("User-Agent")},
            "authorizer": authorizer,
        },
        "body": body,
        "isBase64Encoded": encoded,
    }


def authorizer_event(proxy_event: dict[str, Any], region: str = "us-east-1") -> dict[str, Any]:
    """The REQUEST-authorizer event API Gateway sends before ``proxy_event`` reaches its function.

    With no identity source configured, the authorizer sees every header and query parameter.
    """
    context = proxy_event["requestContext"]
    method_arn = (
        f"arn:aws:execute-api:{region}:{context['accountId']}:{context['apiId']}"
        f"/{context['stage']}/{proxy_event['httpMethod']}{proxy_event['path']}"
    )
    return {
        "type": "REQUEST",
        "methodArn": method_arn,
        "resource": proxy_event["resource"],
        "path": proxy_event["path"],
        "httpMethod": proxy_event["httpMethod"],
        "headers": proxy_event["headers"],
        "multiValueHeaders": proxy_event["multiValueHeaders"],
        "queryStringParameters": proxy_event["queryStringParameters"],
        "multiValueQueryStringParameters": proxy_event["multiValueQueryStringParameters"],
        "pathParameters": proxy_event["pathParameters"],
        "stageVariables": proxy_event["stageVariables"],
        "requestContext": {key: value for key, value in context.items() if key != "authorizer"},
    }


def authorized(proxy_event: dict[str, Any], authorizer_response: dict[str, Any]) -> dict[str, Any]:
    """``proxy_event`` as API Gateway forwards it after an Allow: the policy's context in requestContext."""
    context = {"principalId": authorizer_response["principalId"], **authorizer_response.get("context", {})}
    return {**proxy_event, "requestContext": {**proxy_event["requestContext"], "authorizer": context}}
