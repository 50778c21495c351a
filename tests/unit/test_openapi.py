"""docs/openapi.json is generated from the handlers: it must be current and cover every route."""

from __future__ import annotations

import json

from devtools.openapi import DOCUMENT_PATH, build_document, render
from devtools.template import routes


def test_committed_document_is_current() -> None:
    assert DOCUMENT_PATH.read_text() == render(), "docs/openapi.json is stale: run `make openapi`"


def test_every_template_route_is_documented() -> None:
    paths = json.loads(DOCUMENT_PATH.read_text())["paths"]

    documented = {(method.upper(), path) for path, operations in paths.items() for method in operations}

    assert documented == {(route.method, route.path) for route in routes()}


def test_protected_routes_declare_their_security() -> None:
    paths = build_document()["paths"]

    for route in routes():
        operation = paths[route.path][route.method.lower()]
        assert ("security" in operation) == route.authorized, route
