"""The one email sender: the local outbox in tests, SES v2 when deployed."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from spooky import email
from spooky.email import EmailMessage, deliver, read_outbox, send_email
from spooky.observability import metrics
from spooky.settings import get_settings
from tests.support.emf import emitted, reset

MESSAGE = EmailMessage(
    to="casper@example.com",
    subject="Verify your email address",
    text="Verify: https://api.example.com/x?token=abc",
    html="<a href='https://api.example.com/x?token=abc'>Verify</a>",
    tag="verify-email",
    link="https://api.example.com/x?token=abc",
)


def test_the_outbox_gets_one_json_line_per_message() -> None:
    send_email(MESSAGE)
    send_email(MESSAGE)

    messages = read_outbox()
    assert len(messages) == 2
    assert messages[0]["to"] == "casper@example.com"
    assert messages[0]["link"] == MESSAGE.link
    assert messages[0]["from"] == get_settings().email_sender


@pytest.fixture
def ses(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    monkeypatch.setenv("EMAIL_TRANSPORT", "ses")
    get_settings.cache_clear()
    email._ses_client.cache_clear()
    with mock_aws():
        client = boto3.client("sesv2", region_name="us-east-1")
        client.create_email_identity(EmailIdentity=get_settings().email_sender)
        yield client
    email._ses_client.cache_clear()


def test_ses_sends_from_the_configured_identity(ses: object) -> None:
    from moto.backends import get_backend

    send_email(MESSAGE)

    sent = get_backend("sesv2")["123456789012"]["us-east-1"].core_backend.sent_messages
    assert len(sent) == 1
    assert read_outbox() == []


def test_deliver_never_fails_the_request_but_counts_the_failure(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(message: EmailMessage) -> None:
        raise ConnectionError("SES is down")

    monkeypatch.setattr(email, "send_email", broken)
    reset()

    assert deliver(MESSAGE) is False
    metrics.flush_metrics()
    assert emitted(capsys.readouterr().out)["EmailDeliveryFailures"] == [1.0]


@pytest.mark.filterwarnings("ignore:No application metrics")
def test_a_delivered_email_counts_no_failure(capsys: pytest.CaptureFixture[str]) -> None:
    reset()

    assert deliver(MESSAGE) is True
    metrics.flush_metrics(raise_on_empty_metrics=False)
    assert "EmailDeliveryFailures" not in emitted(capsys.readouterr().out)


def test_an_unknown_transport_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EMAIL_TRANSPORT", "pigeon")
    get_settings.cache_clear()

    with pytest.raises(RuntimeError, match="EMAIL_TRANSPORT"):
        send_email(MESSAGE)
