"""The DynamoDB call observer: failures before any response are observed and still raised as they were."""

from __future__ import annotations

import socket

import pytest
from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import GetError
from pynamodb.models import Model

from spooky.db.observe import recording
from spooky.models.base import TableMeta
from tests.conftest import use_tables


class Unreachable(Model):
    class Meta(TableMeta):
        table_name = "AnyTable"
        max_retry_attempts = 0

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)


def closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as server:
        port: int = server.getsockname()[1]
    return port  # nothing listens on it any more: connections are refused at once


def test_a_connection_error_is_observed_and_raised_as_pynamodb_reports_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    use_tables(monkeypatch, {}, f"http://127.0.0.1:{closed_port()}")

    with recording() as calls, pytest.raises(GetError) as raised:
        Unreachable.get("pk", "sk")

    assert "Could not connect" in str(raised.value.msg)
    assert [(call.operation, call.tables, call.error_code) for call in calls] == [
        ("GetItem", ("AnyTable",), "EndpointConnectionError")
    ]
