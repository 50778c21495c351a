"""Swagger UI on the local API at /docs: docs/openapi.json with the Swagger UI assets Powertools ships.

Served offline (no CDN) from the local gateway's own Flask app, beside the template's routes, so
"Try it out" calls the same origin and needs no CORS.
"""

from __future__ import annotations

import json
from pathlib import Path

from aws_lambda_powertools.event_handler.openapi import swagger_ui
from aws_lambda_powertools.event_handler.openapi.swagger_ui.html import generate_swagger_html
from flask import Flask, Response, request

from devtools.openapi import DOCUMENT_PATH

DOCS_PATH = "/docs"
ASSETS = Path(swagger_ui.__file__).parent
# Asset name -> content type; both ship with aws-lambda-powertools.
ASSET_TYPES = {"swagger-ui-bundle.min.js": "text/javascript", "swagger-ui.min.css": "text/css"}


def spec(server_url: str) -> str:
    """docs/openapi.json, pointed at this server."""
    document = json.loads(DOCUMENT_PATH.read_text())
    document["servers"] = [{"url": server_url}]
    return json.dumps(document)


def mount(app: Flask) -> None:
    """Add /docs, /docs/openapi.json and the Swagger UI assets to ``app``."""

    def page() -> Response:
        document = spec(request.host_url.rstrip("/"))
        if request.args.get("format") == "json":
            return Response(document, content_type="application/json")
        html = generate_swagger_html(
            document,
            f"{DOCS_PATH}/swagger-ui-bundle.min.js",
            f"{DOCS_PATH}/swagger-ui.min.css",
            swagger_base_url=DOCS_PATH,
            oauth2_config=None,
        )
        return Response(html, content_type="text/html; charset=utf-8")

    def document() -> Response:
        return Response(spec(request.host_url.rstrip("/")), content_type="application/json")

    def asset(name: str) -> Response:
        if name not in ASSET_TYPES:
            return Response(status=404)
        return Response((ASSETS / name).read_bytes(), content_type=ASSET_TYPES[name])

    app.add_url_rule(DOCS_PATH, "swagger_ui", page, methods=["GET"])
    app.add_url_rule(f"{DOCS_PATH}/openapi.json", "openapi_json", document, methods=["GET"])
    app.add_url_rule(f"{DOCS_PATH}/<name>", "swagger_ui_asset", asset, methods=["GET"])
