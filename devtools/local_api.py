"""`make api`: serve every route of template.yaml on http://127.0.0.1:3000, without Docker.

SAM CLI's own local API Gateway (the one behind `sam local start-api`) reads the routes and the
Lambda authorizer from template.yaml and builds the REST proxy events; the handlers run in this
process through devtools.local_env.InProcessRunner instead of in containers. What SAM answers
differently from API Gateway (unknown routes, refused or failing authorizers) is answered here
with the template's GatewayResponses, their header mappings evaluated for the request. Swagger UI
for docs/openapi.json is served at /docs.
"""

from __future__ import annotations

import argparse
import io
import json
import logging
import os
import signal
import threading
import warnings
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from functools import cache
from typing import Any
from urllib.parse import quote
from wsgiref.types import StartResponse, WSGIApplication, WSGIEnvironment

from flask import Response, request
from samcli.commands.local.lib.local_api_service import LocalApiService
from samcli.lib.providers.api_provider import ApiProvider
from samcli.lib.providers.sam_stack_provider import SamLocalStackProvider
from samcli.local.apigw.exceptions import AuthorizerUnauthorizedRequest, InvalidLambdaAuthorizerResponse
from samcli.local.apigw.local_apigw_service import LocalApigwService
from samcli.local.apigw.service_error_responses import ServiceErrorResponses
from werkzeug.serving import BaseWSGIServer, make_server

from devtools import dynamodb_local, swagger_ui
from devtools.local_env import FunctionError, InProcessRunner, configure_logging, local_functions
from devtools.template import ROOT, TEMPLATE_PATH, parameter_refs, resolve_intrinsic, resources
from spooky.auth.cookies import header

LOG = logging.getLogger(__name__)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 3000
# The error message with which a Lambda authorizer asks API Gateway for a 401.
UNAUTHORIZED_MESSAGE = "Unauthorized"
# A gateway response header mapped from the request's own header.
REQUEST_HEADER = "method.request.header."

# API Gateway's default status for each response type the local gateway produces, with a message,
# used when template.yaml customizes neither that type nor its DEFAULT_4XX/5XX family.
GATEWAY_DEFAULTS: dict[str, tuple[int, str]] = {
    "UNAUTHORIZED": (401, "Unauthorized"),
    "ACCESS_DENIED": (403, "User is not authorized to access this resource"),
    "AUTHORIZER_FAILURE": (500, "Authorizer error"),
    "MISSING_AUTHENTICATION_TOKEN": (403, "Missing Authentication Token"),
}


# ---------------------------------------------------------------- gateway responses


@dataclass(frozen=True)
class GatewayResponse:
    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)

    def to_flask(self) -> Response:
        return Response(self.body, status=self.status, headers=self.headers, content_type="application/json")


def _template_gateway_responses() -> dict[str, dict[str, Any]]:
    for api in resources("AWS::Serverless::Api").values():
        configured: dict[str, dict[str, Any]] = api["Properties"].get("GatewayResponses", {})
        return configured
    return {}


def gateway_response(
    response_type: str,
    request_headers: Mapping[str, str] | None = None,
    authorizer: Mapping[str, Any] | None = None,
) -> GatewayResponse:
    """What API Gateway answers for ``response_type``, customized as template.yaml says: for a request
    with ``request_headers``, refused by an authorizer whose policy had the context ``authorizer``."""
    request_headers, authorizer = request_headers or {}, authorizer or {}
    status, message = GATEWAY_DEFAULTS[response_type]
    configured = _template_gateway_responses()
    family = "DEFAULT_4XX" if status < 500 else "DEFAULT_5XX"
    custom = configured.get(response_type) or configured.get(family) or {}
    template = custom.get("ResponseTemplates", {}).get("application/json")
    body = json.dumps({"message": message})
    if template:
        # The two $context variables a gateway response template can use for the message.
        body = template.replace("$context.error.messageString", json.dumps(message)).replace(
            "$context.error.message", message
        )
    mapped = custom.get("ResponseParameters", {}).get("Headers", {}).items()
    values = {name: _header_value(value, request_headers, authorizer) for name, value in mapped}
    # An empty value (an authorizer context naming no origin) sends nothing, like no header at all.
    headers = {name: value for name, value in values.items() if value}
    return GatewayResponse(int(custom.get("StatusCode", status)), body, headers)


def _header_value(
    expression: Any, request_headers: Mapping[str, str], authorizer: Mapping[str, Any]
) -> str | None:
    """A gateway response header's mapping expression, evaluated as API Gateway does.

    The template's intrinsics (the first trusted origin) resolve with this process's environment, so
    TRUSTED_ORIGINS reaches the gateway's literals as the TrustedOrigins parameter would when deployed.
    """
    text = str(resolve_intrinsic(expression, parameter_refs(os.environ)))
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1]
    source, _, name = text.partition(".authorizer.")
    if source == "context" and name:
        value = authorizer.get(name)
        return None if value is None else str(value)
    if text.startswith(REQUEST_HEADER):
        return header(request_headers, text.removeprefix(REQUEST_HEADER))
    return None


class GatewayError(Exception):
    """The request ends with one of API Gateway's own responses (``authorizer``: a Deny's context)."""

    def __init__(self, response_type: str, authorizer: dict[str, Any] | None = None) -> None:
        super().__init__(response_type)
        self.response_type = response_type
        self.authorizer = authorizer or {}

    def to_flask(self) -> Response:
        return gateway_response(self.response_type, dict(request.headers), self.authorizer).to_flask()


def _policy_context(output: Any) -> dict[str, Any]:
    """The context of an authorizer's policy (a Deny's, here), or {} if the output has none."""
    with suppress(ValueError, TypeError, AttributeError):
        context = json.loads(output).get("context")
        return context if isinstance(context, dict) else {}
    return {}


# ---------------------------------------------------------------- gateway


class LocalGateway(LocalApigwService):  # type: ignore[misc]
    """SAM's local API Gateway, answering like API Gateway where SAM's local answers differ."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._outputs = threading.local()

    def _construct_error_handling(self) -> None:
        super()._construct_error_handling()
        # REST APIs answer an unknown path or method with MISSING_AUTHENTICATION_TOKEN.
        for status in (404, 405):
            self._app.register_error_handler(
                status, lambda _: GatewayError("MISSING_AUTHENTICATION_TOKEN").to_flask()
            )
        swagger_ui.mount(self._app)

    def _invoke_lambda_function(self, lambda_function_name: str, event: dict[str, Any], *args: Any) -> Any:
        # Kept per thread: a Deny's context (the CORS origin) is only in the authorizer's raw output.
        output = super()._invoke_lambda_function(lambda_function_name, event, *args)
        self._outputs.last = output
        return output

    def _get_current_route(self, flask_request: Any) -> Any:
        try:
            return super()._get_current_route(flask_request)
        except KeyError as error:  # HEAD: Flask adds it to every GET route, API Gateway does not
            raise GatewayError("MISSING_AUTHENTICATION_TOKEN") from error

    def _create_method_arn(self, flask_request: Any, event_type: str) -> str:
        # SAM checks the authorizer's policy by reading its resource ARN as an unescaped regular
        # expression: a path with "[" or "(" (legal in a URL) crashed the gateway with a 502. The path
        # percent-encoded, as on the wire, leaves no syntax in it but "." (which matches itself too).
        arn: str = super()._create_method_arn(flask_request, event_type)
        path = flask_request.path
        return arn.removesuffix(path) + quote(path, safe="/")

    def _invoke_parse_lambda_authorizer(self, lambda_authorizer: Any, *args: Any, **kwargs: Any) -> None:
        try:
            super()._invoke_parse_lambda_authorizer(lambda_authorizer, *args, **kwargs)
        except FunctionError as error:
            if error.error_message == UNAUTHORIZED_MESSAGE:
                raise GatewayError("UNAUTHORIZED") from error
            LOG.error("Authorizer %s failed:\n%s", error.function, "".join(error.stack_trace))
            raise GatewayError("AUTHORIZER_FAILURE") from error
        # A Deny (or an Allow of other methods): how the session authorizer refuses a request.
        except AuthorizerUnauthorizedRequest as error:  # the policy does not allow this method
            raise GatewayError(
                "ACCESS_DENIED", _policy_context(getattr(self._outputs, "last", None))
            ) from error
        except InvalidLambdaAuthorizerResponse as error:
            LOG.error("Authorizer %s returned an invalid response: %s", lambda_authorizer.lambda_name, error)
            raise GatewayError("AUTHORIZER_FAILURE") from error

    def _request_handler(self, **kwargs: Any) -> Response:
        try:
            response: Response = super()._request_handler(**kwargs)
        except GatewayError as error:
            return error.to_flask()
        except FunctionError as error:
            # API Gateway's answer to a function error: 502 {"message": "Internal server error"}.
            LOG.error("%s failed:\n%s", error.function, "".join(error.stack_trace))
            failure: Response = ServiceErrorResponses.lambda_failure_response()
            return failure
        return response


class _WithoutAuthorizerOutcomes(logging.Filter):
    """SAM logs every refused request as a failed authorizer; LocalGateway logs real failures itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Lambda authorizer failed to invoke")


WITHOUT_AUTHORIZER_OUTCOMES = _WithoutAuthorizerOutcomes()


def text_payloads(app: WSGIApplication) -> WSGIApplication:
    """Bodies as API Gateway hands them to Lambda: a REST API without binary media types passes the
    payload on as UTF-8 text, bytes that are not UTF-8 becoming U+FFFD. SAM's gateway answers 502."""

    def middleware(environ: WSGIEnvironment, start_response: StartResponse) -> Any:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length > 0:
            body = environ["wsgi.input"].read(length)
            text = body.decode("utf-8", errors="replace").encode()
            environ["wsgi.input"] = io.BytesIO(text)
            environ["CONTENT_LENGTH"] = str(len(text))
        return app(environ, start_response)

    return middleware


@cache
def template_api() -> Any:
    """The REST API of template.yaml (routes, authorizers, stage) as SAM CLI's providers read it."""
    with warnings.catch_warnings():
        # SAM's template validation uses deprecated jsonschema APIs: its concern, not the template's.
        warnings.simplefilter("ignore", DeprecationWarning)
        # Fn::ForEach expanded by SAM CLI itself, as `sam build --language-extensions` does.
        stacks, _ = SamLocalStackProvider.get_stacks(str(TEMPLATE_PATH), language_extensions_enabled=True)
    return ApiProvider(stacks, cwd=str(ROOT)).api


class LocalApi:
    """The gateway behind a threaded WSGI server: ``serve_forever()``, or ``start()`` in a thread."""

    def __init__(self, runner: InProcessRunner, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
        logging.getLogger(LocalApigwService.__module__).addFilter(WITHOUT_AUTHORIZER_OUTCOMES)
        self.gateway = LocalGateway(api=template_api(), lambda_runner=runner, port=port, host=host)
        self.gateway.create()
        self.server: BaseWSGIServer = make_server(host, port, text_payloads(self.gateway._app), threaded=True)
        self.url = f"http://{host}:{port}"
        self._thread: threading.Thread | None = None

    def serve_forever(self) -> None:
        LocalApiService._print_routes(self.gateway.api.routes, self.server.host, self.server.port)
        LOG.info("Local API on %s (Ctrl-C to stop)", self.url)
        self.server.serve_forever()

    def start(self) -> None:
        # A short poll interval: stop() waits for the loop to notice the shutdown request.
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:  # shutdown() would wait forever for a loop that never ran
            self.server.shutdown()
            self._thread.join(timeout=5)
        self.server.server_close()


# ---------------------------------------------------------------- command


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m devtools.local_api", description="Serve template.yaml's API locally, without Docker"
    )
    parser.add_argument("--host", default=os.environ.get("LOCAL_API_HOST", DEFAULT_HOST))
    parser.add_argument("--port", type=int, default=int(os.environ.get("LOCAL_API_PORT", DEFAULT_PORT)))
    parser.add_argument(
        "--dynamodb-port",
        type=int,
        default=dynamodb_local.configured_port(),
        help="reuse the DynamoDB listening there, or start DynamoDB Local on it",
    )
    parser.add_argument("--in-memory", action="store_true", help="keep no data under .local/dynamodb")
    return parser.parse_args(argv)


def _interrupt(*_: Any) -> None:
    raise KeyboardInterrupt  # `kill` unwinds like Ctrl-C, so the database started here is stopped too


def serve(args: argparse.Namespace) -> None:
    data_dir = None if args.in_memory else dynamodb_local.DATA_DIR
    with local_functions(args.dynamodb_port, data_dir=data_dir, api_url=f"http://{args.host}:{args.port}"):
        # Returns on Ctrl-C: werkzeug's serve_forever swallows KeyboardInterrupt.
        LocalApi(InProcessRunner(), args.host, args.port).serve_forever()


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    configure_logging()
    os.environ.setdefault("SAM_CLI_TELEMETRY", "0")
    # Also when started from a script, where a background job inherits SIGINT as ignored.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    # Interrupted while starting: local_functions has already stopped what it started.
    with suppress(KeyboardInterrupt):
        serve(args)
    LOG.info("Stopped")


if __name__ == "__main__":
    main()
