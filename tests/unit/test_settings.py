"""Settings come from the environment as pydantic-settings read it: any case, arguments first, text parsed."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from spooky.settings import Settings


def test_each_field_reads_the_variable_of_its_name_in_any_case(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APP_TABLE_NAME", "stack-AppTable-1")
    monkeypatch.setenv("aws_region", "eu-west-1")
    monkeypatch.setenv("Email_Sender", "hello@example.com")

    settings = Settings()

    assert settings.app_table_name == "stack-AppTable-1"
    assert settings.aws_region == "eu-west-1"
    assert settings.email_sender == "hello@example.com"


def test_arguments_win_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAGE", "prod")
    monkeypatch.setenv("AUTH_TABLE_NAME", "from-environment")

    settings = Settings(stage="dev", AUTH_TABLE_NAME="from-argument")

    assert (settings.stage, settings.auth_table_name) == ("dev", "from-argument")


def test_only_what_was_given_counts_as_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("API_BASE_URL", raising=False)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://app.example.com")
    monkeypatch.setenv("UNRELATED_VARIABLE", "ignored")

    settings = Settings(trusted_origins="https://app.example.com")

    assert {"public_base_url", "trusted_origins"} <= settings.model_fields_set
    assert "api_base_url" not in settings.model_fields_set
    assert "unrelated_variable" not in settings.model_fields_set


@pytest.mark.parametrize(("text", "flag"), [("true", True), ("FALSE", False), ("1", True), ("off", False)])
def test_flags_are_parsed_from_text(monkeypatch: pytest.MonkeyPatch, text: str, flag: bool) -> None:
    monkeypatch.setenv("COOKIE_SECURE", text)

    assert Settings().cookie_secure is flag


def test_empty_optional_variables_are_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DYNAMODB_ENDPOINT_URL", "")
    monkeypatch.setenv("COOKIE_DOMAIN", "")

    settings = Settings()

    assert (settings.dynamodb_endpoint_url, settings.cookie_domain) == (None, None)


@pytest.mark.parametrize(("name", "value"), [("COOKIE_SAME_SITE", "Sometimes"), ("COOKIE_SECURE", "maybe")])
def test_invalid_values_fail_at_start(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)

    with pytest.raises(ValidationError, match=name.lower()):
        Settings()
