"""`make env-json`: the --env-vars file for `sam local invoke` covers every function's variables."""

from __future__ import annotations

import json
from pathlib import Path

from devtools import env_json
from devtools.template import functions

ENDPOINT = "http://host.docker.internal:8000"


def test_every_function_gets_exactly_its_declared_variables(tmp_path: Path) -> None:
    output = tmp_path / "env.json"
    env_json.main(["--output", str(output)])

    written = json.loads(output.read_text())

    assert set(written) == set(functions())
    for name, function in functions().items():
        assert set(written[name]) == set(function.environment), name
        assert all(isinstance(value, str) for value in written[name].values())


def test_functions_use_the_local_database_secret_and_outbox_from_their_container() -> None:
    for name, variables in env_json.env_vars(ENDPOINT).items():
        assert variables["DYNAMODB_ENDPOINT_URL"] == ENDPOINT, name
        assert variables["AUTH_SECRET"], name
        assert variables["AUTH_SECRET_PARAMETER"] == "", name  # never SSM
        assert variables["EMAIL_TRANSPORT"] == "outbox", name
        assert variables["LOCAL_OUTBOX_PATH"].startswith("/tmp/"), name
        assert variables["APP_TABLE_NAME"] == "AppTable", name
        assert variables["STAGE"] == "local", name


def test_deployed_defaults_of_the_local_only_variables_are_inert() -> None:
    from spooky.settings import Settings

    template = functions()["HealthFunction"].environment

    assert (template["DYNAMODB_ENDPOINT_URL"], template["AUTH_SECRET"]) == ("", "")
    assert Settings(dynamodb_endpoint_url="", auth_secret="").dynamodb_endpoint_url is None
