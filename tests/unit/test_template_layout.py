"""template.yaml stays short and says everything once; function folders are named after their logical ids."""

from __future__ import annotations

from collections import Counter

from devtools.template import ROOT, TEMPLATE_PATH, folder_of, functions, layers, resources
from spooky.http.cors import cors_config

MAX_LINES = 1000
WINDOW = 6  # consecutive lines (comments and blank lines left out)
JOBS = {"AuditStreamFunction", "RetentionPurgeFunction", "HealthCanaryFunction", "BackupDrillFunction"}


def _code_lines() -> list[str]:
    stripped = (line.strip() for line in TEMPLATE_PATH.read_text().splitlines())
    return [line for line in stripped if line and not line.startswith("#")]


def test_the_template_is_at_most_1000_lines() -> None:
    assert len(TEMPLATE_PATH.read_text().splitlines()) <= MAX_LINES


def test_no_block_of_the_template_is_repeated() -> None:
    lines = _code_lines()
    windows = Counter(tuple(lines[start : start + WINDOW]) for start in range(len(lines) - WINDOW + 1))

    assert [window for window, count in windows.items() if count > 1] == []


def test_every_function_folder_is_its_logical_id_in_snake_case() -> None:
    # SignUpEmailFunction: functions/sign_up_email, events/sign_up_email.json, `make invoke FN=sign_up_email`.
    for logical_id, function in functions().items():
        assert function.code_uri == ROOT / "functions" / folder_of(logical_id), logical_id
        assert (ROOT / "events" / f"{folder_of(logical_id)}.json").is_file(), logical_id

    folders = {path.name for path in (ROOT / "functions").iterdir() if (path / "app.py").is_file()}
    assert folders == {folder_of(logical_id) for logical_id in functions()}


def test_only_the_background_jobs_carry_the_jobs_layer() -> None:
    assert set(layers()) == {"CommonLayer", "JobsLayer"}
    assert layers()["JobsLayer"] == ROOT / "layers" / "jobs"
    for logical_id, function in functions().items():
        expected = ("CommonLayer", "JobsLayer") if logical_id in JOBS else ("CommonLayer",)
        assert function.layers == expected, logical_id


def test_gateway_responses_share_one_cors_header_map_that_agrees_with_cors_py() -> None:
    (api,) = resources("AWS::Serverless::Api").values()
    responses = api["Properties"]["GatewayResponses"]
    headers = {name: response["ResponseParameters"]["Headers"] for name, response in responses.items()}
    # ACCESS_DENIED names the caller's origin (the authorizer's context); every other one the first origin.
    shared = {name: value for name, value in headers.items() if name != "ACCESS_DENIED"}
    (one_map,) = {repr(value) for value in shared.values()}

    assert "Access-Control-Allow-Origin" in one_map
    credentials = "'true'" if cors_config().allow_credentials else "'false'"
    assert {value["Access-Control-Allow-Credentials"] for value in headers.values()} == {credentials}
