"""docs/openapi.json: the OpenAPI document of the whole API, generated from the handlers themselves.

Each function's Powertools resolver describes its own routes and pydantic schemas; this merges them,
marks the routes template.yaml puts behind the authorizer, and documents the API's one error shape
(400 for validation errors instead of Powertools' default 422). The document must be true: the fuzz
run (tests/integration/security/test_fuzz.py) checks every response against it.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from devtools.functions import load_module
from devtools.template import ROOT, functions, routes

DOCUMENT_PATH = ROOT / "docs" / "openapi.json"
TITLE = "spooky-mvp API"
VERSION = "1.0.0"
ERROR_REF = {"$ref": "#/components/schemas/Error"}

ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Error",
    "required": ["code", "message"],
    "properties": {
        "code": {"type": "string", "description": "Machine-readable error code, e.g. VALIDATION_ERROR"},
        "message": {"type": "string"},
        "errors": {
            "type": "array",
            "description": "Field-level details of a validation error",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}

SECURITY_SCHEMES: dict[str, Any] = {
    "sessionCookie": {
        "type": "apiKey",
        "in": "cookie",
        "name": "better-auth.session_token",
        "description": "Signed session cookie set by sign-in/sign-up (Better Auth format)",
    },
    "bearerToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "The set-auth-token value (or the raw session token), as Better Auth's bearer plugin",
    },
}


RETRY_AFTER_HEADER = {
    "Retry-After": {"description": "Seconds to wait before retrying", "schema": {"type": "string"}}
}
LOCATION_HEADER = {"Location": {"description": "Where the client goes next", "schema": {"type": "string"}}}


def _error_response(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    response = {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}
    return {**response, "headers": headers} if headers else response


def _document_errors(operation: dict[str, Any], authorized: bool) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    responses.pop("422", None)
    responses.setdefault("400", _error_response("Invalid input (VALIDATION_ERROR with field details)"))
    if authorized:
        responses.setdefault("401", _error_response("No valid session (UNAUTHORIZED)"))
        operation["security"] = [{"sessionCookie": []}, {"bearerToken": []}]
    responses.setdefault(
        "4XX", _error_response("Other client errors, each with its code (413, 415 and 429 included)")
    )
    # Any route may find DynamoDB throttling or failing past its retries (and the authorizer too).
    responses.setdefault(
        "503", _error_response("The database is busy (SERVICE_UNAVAILABLE); retry", RETRY_AFTER_HEADER)
    )


def _document_bodiless(operation: dict[str, Any]) -> None:
    """204 and redirects carry no body (Powertools would describe the handler's return type)."""
    for status, response in operation.get("responses", {}).items():
        if status == "204" or status.startswith("3"):
            response.pop("content", None)
        if status.startswith("3"):
            response.setdefault("headers", LOCATION_HEADER)


def _function_documents() -> list[dict[str, Any]]:
    documents = []
    for function in functions().values():
        if not function.routes:
            continue
        app = getattr(load_module(function.logical_id), "app", None)
        if app is not None:
            documents.append(json.loads(app.get_openapi_json_schema(title=TITLE, version=VERSION)))
    return documents


def build_document() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    for document in _function_documents():
        for path, operations in document.get("paths", {}).items():
            paths.setdefault(path, {}).update(operations)
        schemas.update(document.get("components", {}).get("schemas", {}))
    authorized = {(route.method.lower(), route.path) for route in routes() if route.authorized}
    for path, operations in paths.items():
        for method, operation in operations.items():
            _document_errors(operation, (method, path) in authorized)
            _document_bodiless(operation)
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    schemas["Error"] = ERROR_SCHEMA
    return {
        "openapi": "3.1.0",
        "info": {
            "title": TITLE,
            "version": VERSION,
            "description": "Generated from the handlers by `make openapi`; do not edit by hand.",
        },
        "servers": [{"url": "http://127.0.0.1:3000", "description": "make api (local)"}],
        "paths": dict(sorted(paths.items())),
        "components": {"schemas": dict(sorted(schemas.items())), "securitySchemes": SECURITY_SCHEMES},
    }


def render() -> str:
    return json.dumps(build_document(), indent=2, sort_keys=False) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help=f"write {DOCUMENT_PATH.relative_to(ROOT)}")
    args = parser.parse_args()
    text = render()
    if args.write:
        DOCUMENT_PATH.write_text(text)
        print(f"wrote {DOCUMENT_PATH.relative_to(ROOT)} ({len(build_document()['paths'])} paths)")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
