"""Idempotency-Key support on creating requests, with Powertools' idempotency utility.

The first response to (caller, key) is stored for 24 hours in the IdempotencyTable; a retry replays it
and writes nothing. The same key with a different body is refused (422): it is a client bug, not a retry.

Powertools' utility is imported on first use: it imports boto3 (and s3transfer with it), ~20 ms of a cold
start that only a request carrying a key needs.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel

from spooky.db.observe import instrument_foreign
from spooky.errors import AlreadyExists, Conflict, FieldError, ValidationFailed
from spooky.settings import get_settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig

MAX_KEY_LENGTH = 255
RETENTION_SECONDS = 24 * 60 * 60
# This invocation (use_lambda_context), handed to Powertools when a key is used.
_lambda_context: LambdaContext | None = None


class IdempotencyKeyReused(AlreadyExists):
    code = "IDEMPOTENCY_KEY_REUSED"


@cache
def _config() -> IdempotencyConfig:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

    return IdempotencyConfig(
        event_key_jmespath="key",
        payload_validation_jmespath="payload",
        expires_after_seconds=RETENTION_SECONDS,
        raise_on_no_idempotency_key=True,
    )


@lru_cache(maxsize=4)
def _store(table_name: str, endpoint_url: str | None, region: str) -> DynamoDBPersistenceLayer:
    import boto3
    from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

    client = boto3.client("dynamodb", endpoint_url=endpoint_url, region_name=region)
    # Not a PynamoDB client, so not observed by default: its requests feed ConsumedCapacity.IdempotencyTable
    # and the latency/throttle metrics like every other table's, and the IAM replay of the tests.
    instrument_foreign(client)
    return DynamoDBPersistenceLayer(table_name=table_name, boto3_client=client)


def use_lambda_context(context: LambdaContext) -> None:
    """Lets Powertools expire an in-progress record when this invocation runs out of time."""
    global _lambda_context
    _lambda_context = context


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
    from aws_lambda_powertools.utilities.idempotency import idempotent_function
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    settings = get_settings()
    store = _store(settings.idempotency_table_name, settings.dynamodb_endpoint_url, settings.aws_region)
    config = _config()
    if _lambda_context is not None:
        config.register_lambda_context(_lambda_context)

    @idempotent_function(
        data_keyword_argument="request", persistence_store=store, config=config, key_prefix=operation
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
