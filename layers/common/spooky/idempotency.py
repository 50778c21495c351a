"""Idempotency-Key support on creating requests, with Powertools' idempotency utility.

The first response to (caller, key) is stored for 24 hours in the IdempotencyTable; a retry replays it
and writes nothing. The same key with a different body is refused (422): it is a client bug, not a retry.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

import boto3
from aws_lambda_powertools.utilities.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    idempotent_function,
)
from aws_lambda_powertools.utilities.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyValidationError,
)
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from spooky.db.observe import instrument_foreign
from spooky.errors import AlreadyExists, Conflict, FieldError, ValidationFailed
from spooky.settings import get_settings

MAX_KEY_LENGTH = 255
RETENTION_SECONDS = 24 * 60 * 60
_CONFIG = IdempotencyConfig(
    event_key_jmespath="key",
    payload_validation_jmespath="payload",
    expires_after_seconds=RETENTION_SECONDS,
    raise_on_no_idempotency_key=True,
)


class IdempotencyKeyReused(AlreadyExists):
    code = "IDEMPOTENCY_KEY_REUSED"


@lru_cache(maxsize=4)
def _store(table_name: str, endpoint_url: str | None, region: str) -> DynamoDBPersistenceLayer:
    client = boto3.client("dynamodb", endpoint_url=endpoint_url, region_name=region)
    # Not a PynamoDB client, so not observed by default: its requests feed ConsumedCapacity.IdempotencyTable
    # and the latency/throttle metrics like every other table's, and the IAM replay of the tests.
    instrument_foreign(client)
    return DynamoDBPersistenceLayer(table_name=table_name, boto3_client=client)


def use_lambda_context(context: LambdaContext) -> None:
    """Lets Powertools expire an in-progress record when this invocation runs out of time."""
    _CONFIG.register_lambda_context(context)


def _checked_key(key: str) -> str:
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isprintable():
        raise ValidationFailed(
            [FieldError("Idempotency-Key", f"must be 1 to {MAX_KEY_LENGTH} printable characters")]
        )
    return key


def run_once[Answer: BaseModel](
    operation: str,
    caller_id: str,
    key: str | None,
    payload: dict[str, Any],
    execute: Callable[[], Answer],
    answer: type[Answer],
) -> Answer:
    """Run ``execute`` once per (operation, caller, key); without a key, just run it.

    With a key the answer is stored as JSON (``answer``'s wire form) and read back as ``answer``, so the
    first response and its replays are the same.
    """
    if key is None:
        return execute()
    settings = get_settings()
    store = _store(settings.idempotency_table_name, settings.dynamodb_endpoint_url, settings.aws_region)

    @idempotent_function(
        data_keyword_argument="request", persistence_store=store, config=_CONFIG, key_prefix=operation
    )
    def once(request: dict[str, Any]) -> dict[str, Any]:
        return execute().model_dump(mode="json", by_alias=True)

    try:
        result: dict[str, Any] = once(request={"key": f"{caller_id}:{_checked_key(key)}", "payload": payload})
    except IdempotencyValidationError:
        raise IdempotencyKeyReused("This Idempotency-Key was used with a different request") from None
    except IdempotencyAlreadyInProgressError:
        raise Conflict("A request with this Idempotency-Key is still in progress; retry shortly") from None
    return answer.model_validate(result)
