"""DynamoDB's error and cancellation-reason codes, in one place, and which failures are transient: the
client should retry later (503), not fix its request.

Two vocabularies: a request fails with an error code (``...Exception``); a cancelled transaction
names a reason per item (the same failures, shorter names).
"""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ConnectionError, ConnectTimeoutError, ReadTimeoutError
from pynamodb.exceptions import PynamoDBException

CONDITION_FAILED = "ConditionalCheckFailedException"
# A transaction item's cancellation reason when its condition failed.
CONDITION_FAILED_REASON = "ConditionalCheckFailed"
TRANSACTION_CANCELED = "TransactionCanceledException"
TRANSACTION_CONFLICT_REASON = "TransactionConflict"

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
THROTTLE_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        # TransactWriteItems cancellation reasons
        "ThrottlingError",
        "ProvisionedThroughputExceeded",
    }
)
CONDITION_CODES = frozenset({CONDITION_FAILED, CONDITION_FAILED_REASON})
CONFLICT_CODES = frozenset({TRANSACTION_CONFLICT_REASON, "TransactionConflictException"})
# Answers that are part of normal control flow (a failed condition is how uniqueness is enforced).
EXPECTED_CODES = frozenset({*CONDITION_CODES, TRANSACTION_CANCELED})
# Cancellation reasons that mean "try the transaction again": another transaction held an item, or
# DynamoDB pushed back.
RETRYABLE_REASONS = frozenset(
    {TRANSACTION_CONFLICT_REASON, "ThrottlingError", "ProvisionedThroughputExceeded"}
)
# Error codes of a whole TransactWriteItems request worth retrying.
RETRYABLE_ERRORS = frozenset(
    {
        "TransactionConflictException",
        "TransactionInProgressException",
        "ThrottlingException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
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
    return error_code(error) == CONDITION_FAILED


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
