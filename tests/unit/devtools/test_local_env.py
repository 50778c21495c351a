"""The local environment shared by `make api` and `make invoke`: database, settings and the runner."""

from __future__ import annotations

import io
from typing import Any

import boto3
import pytest
from samcli.lib.utils.stream_writer import StreamWriter

from devtools import dynamodb_local
from devtools.local_env import (
    DEV_AUTH_SECRET,
    FunctionError,
    InProcessRunner,
    UnknownFunction,
    apply_environment,
    local_database,
    local_environment,
)
from spooky.settings import get_settings

TABLES = {"AppTable": "app-local", "AuthTable": "auth-local", "IdempotencyTable": "idem-local"}
ENDPOINT = "http://127.0.0.1:8000"


def answer(event: dict[str, Any], _context: Any) -> dict[str, Any]:
    return {"statusCode": 200, "body": event["path"]}


def crash(_event: dict[str, Any], _context: Any) -> dict[str, Any]:
    raise RuntimeError("boom")


def cannot_load(function: str) -> Any:
    raise ModuleNotFoundError(f"No module named 'app' for {function}")


def test_handlers_read_local_tables_and_local_services(monkeypatch: pytest.MonkeyPatch) -> None:
    apply_environment(local_environment(ENDPOINT, TABLES), setenv=monkeypatch.setenv)
    settings = get_settings()

    assert (settings.app_table_name, settings.auth_table_name) == ("app-local", "auth-local")
    assert settings.dynamodb_endpoint_url == ENDPOINT
    assert (settings.stage, settings.email_transport) == ("local", "outbox")
    assert {"http://localhost:3000", "http://127.0.0.1:3000"} <= set(settings.trusted_origin_list)


def test_the_signing_secret_is_a_dev_secret_unless_exported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AUTH_SECRET")
    assert local_environment(ENDPOINT, TABLES)["AUTH_SECRET"] == DEV_AUTH_SECRET

    monkeypatch.setenv("AUTH_SECRET", "mine")
    environment = local_environment(ENDPOINT, TABLES)
    assert environment["AUTH_SECRET"] == "mine"
    assert "AUTH_SECRET_PARAMETER" not in environment  # so nothing asks SSM for it


def test_links_to_the_api_point_at_the_local_api_not_ssm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("API_BASE_URL", raising=False)  # a developer's export would win
    environment = local_environment(ENDPOINT, TABLES, api_url="http://127.0.0.1:3005")

    assert environment["API_BASE_URL"] == "http://127.0.0.1:3005"
    assert "API_BASE_URL_PARAMETER" not in environment
    assert local_environment(ENDPOINT, TABLES)["API_BASE_URL"] == "http://127.0.0.1:3000"  # `make api`'s


def test_real_credentials_never_reach_local_handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAREALKEY")

    assert local_environment(ENDPOINT, TABLES)["AWS_ACCESS_KEY_ID"] == "local"


def test_runner_returns_the_handlers_result() -> None:
    runner = InProcessRunner(lambda _function: answer)

    assert runner.run("HealthFunction", {"path": "/health"}) == {"statusCode": 200, "body": "/health"}


def test_runner_reports_a_crash_as_lambda_does() -> None:
    with pytest.raises(FunctionError) as raised:
        InProcessRunner(lambda _function: crash).run("HealthFunction", {})

    payload = raised.value.payload
    assert (payload["errorType"], payload["errorMessage"]) == ("RuntimeError", "boom")
    assert any("boom" in line for line in payload["stackTrace"])


def test_runner_reports_an_unloadable_function_as_an_import_error() -> None:
    with pytest.raises(FunctionError) as raised:
        InProcessRunner(cannot_load).run("HealthFunction", {})

    assert raised.value.error_type == "Runtime.ImportModuleError"


def test_runner_knows_only_template_functions() -> None:
    with pytest.raises(UnknownFunction, match="HealthFunction"):
        InProcessRunner(lambda _function: answer).run("NoSuchFunction", {})


def test_runner_speaks_sam_clis_runner_protocol() -> None:
    output = io.StringIO()

    InProcessRunner(lambda _function: answer).invoke(
        "HealthFunction", '{"path": "/x"}', stdout=StreamWriter(output), stderr=None
    )

    assert output.getvalue() == '{"statusCode": 200, "body": "/x"}'


def test_without_java_the_tables_live_in_moto(monkeypatch: pytest.MonkeyPatch, caplog: Any) -> None:
    def no_java(*_args: Any) -> Any:
        raise dynamodb_local.DynamoDBLocalUnavailable("DynamoDB Local needs Java 17+ (found: no java)")

    monkeypatch.setattr(dynamodb_local, "start", no_java)
    port = dynamodb_local.free_port()

    with local_database(port, data_dir=None) as database:
        client = boto3.client("dynamodb", endpoint_url=database.endpoint, region_name="us-east-1")
        assert set(database.table_names.values()) <= set(client.list_tables()["TableNames"])

    assert database.backend.startswith("moto")
    assert "falling back to moto" in caplog.text
    assert not dynamodb_local.is_listening(port)
