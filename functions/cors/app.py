"""OPTIONS on every route (the CORS preflight) and any unknown path (404), with CORS for every
trusted origin.

API Gateway's own CORS and its MISSING_AUTHENTICATION_TOKEN response can name a single origin only,
so template.yaml routes both here: see spooky/http/cors.py and docs/api.md#cors.
"""

from http import HTTPStatus
from typing import Any

from spooky.auth.cookies import header
from spooky.http.api import refusal, with_security_headers
from spooky.http.cors import preflight_headers, response_headers
from spooky.observability import instrumented

from aws_lambda_powertools.utilities.typing import LambdaContext


@instrumented
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    origin = header(event.get("headers"), "origin")
    if (event.get("httpMethod") or "").upper() == "OPTIONS":
        answer = {
            "statusCode": int(HTTPStatus.NO_CONTENT),
            "multiValueHeaders": {name: [value] for name, value in preflight_headers(origin).items()},
            "body": "",
            "isBase64Encoded": False,
        }
    else:
        answer = refusal(HTTPStatus.NOT_FOUND, "NOT_FOUND", "Not found", response_headers(origin))
    return with_security_headers(answer)
