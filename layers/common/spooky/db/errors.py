"""Which DynamoDB failures are transient: the client should retry later (503), not fix its request."""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ConnectionError, ConnectTimeoutError, ReadTimeoutError
from pynamodb.exceptions import PynamoDBException

# Codes DynamoDB returns when it cannot serve a request right now; botocore already retried them.
TRANSIENT_CODES = frozenset(
    {
        "ThrottlingException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionInProgressException",
        "LimitExceededException",
    }
)
_TRANSIENT_BOTOCORE = (ConnectionError, ConnectTimeoutError, ReadTimeoutError)


def error_code(error: PynamoDBException) -> str | None:
    """DynamoDB's error code behind a PynamoDB error, or None (timeouts and connection errors have none).

    PynamoDB's own ``cause_response_code`` raises AttributeError when the cause is a botocore timeout.
    """
    response = getattr(error.cause, "response", None)
    if not isinstance(response, dict):
        return None
    code: str | None = response.get("Error", {}).get("Code")
    return code


def is_condition_failure(error: PynamoDBException) -> bool:
    return error_code(error) == "ConditionalCheckFailedException"


def is_transient(error: BaseException) -> bool:
    """True for throttling, DynamoDB 5xx, timeouts and lost connections (after botocore's retries)."""
    if isinstance(error, PynamoDBException):
        if error_code(error) in TRANSIENT_CODES:
            return True
        return error.cause is not None and is_transient(error.cause)
    if isinstance(error, _TRANSIENT_BOTOCORE):
        return True
    response = getattr(error, "response", None)
    status = (
        response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) if isinstance(response, dict) else 0
    )
    return isinstance(error, BotoCoreError) or status >= 500
