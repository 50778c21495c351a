"""The one sender of email: SES (sesv2) when deployed, a local outbox file otherwise.

``EMAIL_TRANSPORT=ses`` (the default, for deployed functions) sends through SES v2 from EMAIL_SENDER.
``EMAIL_TRANSPORT=outbox`` appends each message as a JSON line to LOCAL_OUTBOX_PATH, where developers
and tests read the links. Logs name the message kind only: bodies carry one-time tokens.
"""

from __future__ import annotations

import json
import threading
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from aws_lambda_powertools import Logger
from aws_lambda_powertools.metrics import MetricUnit

from spooky.clock import utcnow
from spooky.observability import metrics
from spooky.schemas.common import wire_datetime
from spooky.settings import Settings, get_settings

_outbox_lock = threading.Lock()


class EmailMessage(NamedTuple):
    to: str
    subject: str
    text: str
    html: str
    # What the message is for ("verify-email", "reset-password"): an SES tag, and a handle for tests.
    tag: str
    # The call-to-action link (also inside text and html).
    link: str | None = None


@cache
def _logger() -> Logger:
    # Created on first use, inside a function: a child logger finds its parent by POWERTOOLS_SERVICE_NAME.
    return Logger(child=True)


@cache
def _ses_client(region: str) -> Any:
    import boto3
    from botocore.config import Config

    # Fail fast inside the function's 10 s budget rather than botocore's 60 s defaults.
    config = Config(connect_timeout=2, read_timeout=5, retries={"max_attempts": 2, "mode": "standard"})
    return boto3.client("sesv2", region_name=region, config=config)


def _send_with_ses(message: EmailMessage, settings: Settings) -> None:
    _ses_client(settings.aws_region).send_email(
        FromEmailAddress=settings.email_sender,
        Destination={"ToAddresses": [message.to]},
        Content={
            "Simple": {
                "Subject": {"Data": message.subject, "Charset": "UTF-8"},
                "Body": {
                    "Text": {"Data": message.text, "Charset": "UTF-8"},
                    "Html": {"Data": message.html, "Charset": "UTF-8"},
                },
            }
        },
        EmailTags=[{"Name": "kind", "Value": message.tag}],
    )


def _append_to_outbox(message: EmailMessage, settings: Settings) -> None:
    path = Path(settings.local_outbox_path)
    record = {"from": settings.email_sender, "sentAt": wire_datetime(utcnow()), **message._asdict()}
    with _outbox_lock:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as outbox:
            outbox.write(json.dumps(record) + "\n")
    _logger().info("Email written to the local outbox", extra={"kind": message.tag, "outbox": str(path)})


def send_email(message: EmailMessage) -> None:
    settings = get_settings()
    if settings.email_transport == "ses":
        _send_with_ses(message, settings)
    elif settings.email_transport == "outbox":
        _append_to_outbox(message, settings)
    else:
        raise RuntimeError(f"Unknown EMAIL_TRANSPORT {settings.email_transport!r} (use 'ses' or 'outbox')")


def deliver(message: EmailMessage) -> bool:
    """Send without ever failing the request: for endpoints whose answer must not depend on delivery
    (an error for known emails only would reveal which emails are registered), as in Better Auth.
    Failures are logged and counted (EmailDeliveryFailures, EmailDeliveryFailuresAlarm): the caller
    sees success, so the metric is the only place a broken SES setup shows."""
    try:
        send_email(message)
    except Exception as error:
        _logger().warning("Email delivery failed", extra={"kind": message.tag, "error": type(error).__name__})
        metrics.add_metric(name="EmailDeliveryFailures", unit=MetricUnit.Count, value=1)
        return False
    return True


def read_outbox(path: str | Path | None = None) -> list[dict[str, Any]]:
    """Every message written to the local outbox, oldest first (tests and local tooling)."""
    outbox = Path(path or get_settings().local_outbox_path)
    if not outbox.exists():
        return []
    return [json.loads(line) for line in outbox.read_text(encoding="utf-8").splitlines() if line.strip()]
