"""Settings are read from the environment as pydantic-settings would: any case, arguments first."""

from __future__ import annotations

import copy

import pytest

from spooky.settings import Settings, SettingsError


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

    assert {"public_base_url", "trusted_origins"} <= settings.explicitly_set
    assert "api_base_url" not in settings.explicitly_set
    assert "unrelated_variable" not in settings.explicitly_set


@pytest.mark.parametrize(
    ("text", "flag"),
    [("true", True), ("FALSE", False), ("1", True), ("off", False), ("Yes", True), ("n", False), ("T", True)],
)
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

    with pytest.raises(SettingsError, match=name.lower()):
        Settings()


def test_settings_are_a_read_only_value() -> None:
    settings = Settings()

    with pytest.raises(AttributeError, match="read-only"):
        settings.stage = "prod"  # type: ignore[misc]
    assert settings == Settings()
    assert hash(settings) == hash(Settings())
    assert settings != Settings(stage="elsewhere")
    assert copy.deepcopy(settings) == settings


@pytest.mark.parametrize(("name", "value"), [("stage", 3), ("cookie_secure", 2), ("app_table_name", None)])
def test_values_of_another_type_are_refused(name: str, value: object) -> None:
    with pytest.raises(SettingsError, match=name):
        Settings(**{name: value})


def test_unknown_names_are_ignored() -> None:
    settings = Settings(no_such_setting="x", STAGE="dev")

    assert settings.stage == "dev"
    assert "no_such_setting" not in settings.explicitly_set
