"""The local Lambda environment shared by `make api` and `make invoke`.

A database (DynamoDB Local, or moto when Java is missing) with the tables of template.yaml, the
functions' environment from template.yaml plus local overrides, and a runner that invokes the real
handlers in this process instead of in Docker containers.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import threading
import traceback
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devtools import dynamodb_local
from devtools.functions import LambdaHandler, load_handler
from devtools.lambda_context import LocalLambdaContext
from devtools.tables import create_tables
from devtools.template import functions, resolve_environment
from spooky.db.connection import reset_connections
from spooky.settings import get_settings

LOG = logging.getLogger(__name__)

# Signs cookies and cursors locally only; deployed stages read theirs from SSM.
DEV_AUTH_SECRET = "local-development-signing-secret-never-used-when-deployed-0123456789"
LOCAL_ORIGINS = ("http://localhost:3000", "http://127.0.0.1:3000")
# `make api`'s address (devtools.local_api defaults): what links back to the API point at locally.
LOCAL_API_URL = "http://127.0.0.1:3000"
# Local defaults a developer may replace by exporting the variable before starting.
SHELL_OVERRIDABLE = (
    "AUTH_SECRET",
    "TRUSTED_ORIGINS",
    "PUBLIC_BASE_URL",
    "API_BASE_URL",
    "POWERTOOLS_LOG_LEVEL",
    "LOCAL_OUTBOX_PATH",
)

Loader = Callable[[str], LambdaHandler]


def configure_logging() -> None:
    """Readable output for the local commands: ours and the handlers', without per-call chatter."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    logging.getLogger("botocore").setLevel(logging.WARNING)
    # Powertools warns on every invocation that records no metric besides the cold start.
    warnings.filterwarnings("ignore", message="No application metrics to publish")


# ---------------------------------------------------------------- database


@dataclass(frozen=True)
class LocalDatabase:
    endpoint: str
    backend: str
    table_names: dict[str, str]


@contextmanager
def local_database(
    port: int, *, data_dir: Path | None, start_port: int | None = None
) -> Iterator[LocalDatabase]:
    """The template's tables on a local DynamoDB, stopped on exit if this call started it.

    Reuses whatever already listens on ``port``; otherwise starts DynamoDB Local on ``start_port``
    (default ``port``), persisting under ``data_dir`` (None: in memory), or moto when Java 17 is missing.
    """
    stop: Callable[[], None] | None = None
    if dynamodb_local.is_listening(port):
        backend, endpoint = "DynamoDB already running", _endpoint(port)
    else:
        port = start_port or port
        endpoint = _endpoint(port)
        try:
            stop = _stopper(dynamodb_local.start(port, data_dir))
            backend = "DynamoDB Local" + (f" (data in {data_dir})" if data_dir else " (in memory)")
        except dynamodb_local.DynamoDBLocalUnavailable as error:
            LOG.warning("%s: falling back to moto in memory (data is lost on exit)", error)
            stop = _start_moto(port)
            backend = "moto (in memory)"
    try:
        names = create_tables(dynamodb_local.client(endpoint))
        LOG.info("%s on %s with tables %s", backend, endpoint, ", ".join(names.values()))
        yield LocalDatabase(endpoint=endpoint, backend=backend, table_names=names)
    finally:
        if stop is not None:
            stop()


@contextmanager
def local_functions(
    port: int,
    *,
    data_dir: Path | None,
    start_port: int | None = None,
    function: str | None = None,
    api_url: str = LOCAL_API_URL,
) -> Iterator[LocalDatabase]:
    """``local_database``, and this process's environment set for the handlers on it: ``function``'s
    (`make invoke`), or every function's, served together (`make api`, whose address is ``api_url``)."""
    with local_database(port, data_dir=data_dir, start_port=start_port) as database:
        environment = local_environment(database.endpoint, database.table_names, function, api_url=api_url)
        apply_environment(environment)
        yield database


def _endpoint(port: int) -> str:
    return f"http://127.0.0.1:{port}"


def _stopper(process: subprocess.Popen[bytes]) -> Callable[[], None]:
    def stop() -> None:
        process.terminate()
        process.wait(timeout=10)

    return stop


def _start_moto(port: int) -> Callable[[], None]:
    # Imported here: moto's server pulls in Flask extensions that only this fallback needs.
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    stop: Callable[[], None] = server.stop
    return stop


# ---------------------------------------------------------------- environment


def template_environment(refs: dict[str, str], function: str | None = None) -> dict[str, str]:
    """``function``'s template environment, or all functions' together; ``refs`` resolve !Ref."""
    chosen = [functions()[function]] if function else list(functions().values())
    merged: dict[str, str] = {}
    for candidate in chosen:
        for key, value in resolve_environment(candidate.environment, refs).items():
            if merged.setdefault(key, value) != value:
                # Handlers served together share this process's environment: the first value wins.
                LOG.warning(
                    "%s=%r of %s is ignored locally: %r is used",
                    key,
                    value,
                    candidate.logical_id,
                    merged[key],
                )
    return merged


def local_environment(
    endpoint: str,
    table_names: dict[str, str],
    function: str | None = None,
    *,
    api_url: str = LOCAL_API_URL,
) -> dict[str, str]:
    """The environment of ``function`` (default: of all functions) locally: template, then local values.

    ``api_url`` is where the local API listens: email links back to the API (verify-email) use it.
    """
    environment = template_environment(table_names, function)
    # The secret and the API's URL come from AUTH_SECRET and API_BASE_URL locally: never reach for SSM.
    environment.pop("AUTH_SECRET_PARAMETER", None)
    environment.pop("API_BASE_URL_PARAMETER", None)
    origins = [*LOCAL_ORIGINS, *environment.get("TRUSTED_ORIGINS", "").split(",")]
    environment.update(
        {
            "STAGE": "local",
            "DYNAMODB_ENDPOINT_URL": endpoint,
            "AUTH_SECRET": DEV_AUTH_SECRET,
            "EMAIL_TRANSPORT": "outbox",
            "API_BASE_URL": api_url,
            "TRUSTED_ORIGINS": ",".join(dict.fromkeys(origin for origin in origins if origin)),
            "POWERTOOLS_TRACE_DISABLED": "true",  # no X-Ray daemon locally
            "POWERTOOLS_METRICS_DISABLED": "true",  # EMF lines would flood the console; CloudWatch only
            "POWERTOOLS_SERVICE_NAME": environment.get("POWERTOOLS_SERVICE_NAME", "spooky-api"),
            "POWERTOOLS_METRICS_NAMESPACE": environment.get("POWERTOOLS_METRICS_NAMESPACE", "SpookyMvp"),
            "AWS_SAM_LOCAL": "true",
            # Dummy credentials: nothing local may ever reach a real AWS account.
            "AWS_ACCESS_KEY_ID": "local",
            "AWS_SECRET_ACCESS_KEY": "local",
            "AWS_SESSION_TOKEN": "local",
            "AWS_REGION": dynamodb_local.LOCAL_REGION,
            "AWS_DEFAULT_REGION": dynamodb_local.LOCAL_REGION,
        }
    )
    environment.update({key: os.environ[key] for key in SHELL_OVERRIDABLE if os.environ.get(key)})
    return environment


def apply_environment(
    environment: dict[str, str], setenv: Callable[[str, str], None] = os.environ.__setitem__
) -> None:
    """Set ``environment`` for every handler of this process (tests pass ``monkeypatch.setenv``)."""
    for key, value in environment.items():
        setenv(key, value)
    get_settings.cache_clear()
    reset_connections()


# ---------------------------------------------------------------- runner


class UnknownFunction(LookupError):
    """No AWS::Serverless::Function with that logical id in template.yaml."""


class FunctionError(Exception):
    """The function failed: what the Lambda runtime reports as errorType and errorMessage."""

    def __init__(self, function: str, error: BaseException, error_type: str | None = None) -> None:
        super().__init__(f"{function} failed: {error_type or type(error).__name__}: {error}")
        self.function = function
        self.error_type = error_type or type(error).__name__
        self.error_message = str(error)
        self.stack_trace = traceback.format_exception(error)

    @property
    def payload(self) -> dict[str, Any]:
        """The invocation result of a failed function, as `sam local invoke` prints it."""
        return {
            "errorMessage": self.error_message,
            "errorType": self.error_type,
            "stackTrace": self.stack_trace,
        }


class InProcessRunner:
    """Invokes template functions in this process, one at a time.

    One at a time because Lambda runs one event per environment and the handlers share Powertools'
    per-process Logger and Metrics state here. It also speaks SAM CLI's LocalLambdaRunner protocol
    (``invoke`` and ``is_debugging``), so SAM's local API Gateway service can drive it.
    """

    def __init__(self, load: Loader = load_handler) -> None:
        self._load = load
        self._lock = threading.Lock()

    def run(self, function: str, event: dict[str, Any]) -> Any:
        """The handler's result for ``event``; raises FunctionError when the function fails."""
        if function not in functions():
            raise UnknownFunction(f"{function} is not a function of template.yaml: {', '.join(functions())}")
        with self._lock:
            try:
                handler = self._load(function)
            except Exception as error:
                raise FunctionError(function, error, "Runtime.ImportModuleError") from error
            try:
                result = handler(event, LocalLambdaContext(function_name=function))
                json.dumps(result)  # Lambda serializes the result: unserializable output is an error
            except Exception as error:
                raise FunctionError(function, error) from error
        return result

    def invoke(self, function_identifier: str, event: str, stdout: Any = None, **_: Any) -> None:
        """SAM CLI's runner protocol: the result goes to ``stdout``.

        A failure is raised, not written as an error payload: the gateway then tells an authorizer's
        "Unauthorized" from a crash, as API Gateway does.
        """
        result = self.run(function_identifier, json.loads(event))
        if stdout is not None:
            stdout.write_str(json.dumps(result))

    def is_debugging(self) -> bool:
        return False
