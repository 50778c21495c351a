"""DynamoDB faults seen by a client: retried where safe, then 409/503 with Retry-After, never half a write.

DynamoDB Local never throttles, conflicts or times out, so the faults are injected below PynamoDB,
at botocore's client, for chosen operations; everything else reaches DynamoDB Local for real.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import botocore.client
import botocore.endpoint
import pytest
from botocore.exceptions import ClientError, ReadTimeoutError

from spooky.ids import new_id
from spooky.repositories import users
from spooky.schemas.users import NewUser
from tests.support import factories
from tests.support.client import call

Fault = Callable[[str], Exception | None]
_real_call = botocore.client.BaseClient._make_api_call


def client_error(
    code: str, operation: str, status: int = 400, reasons: list[str] | None = None
) -> ClientError:
    response: dict[str, Any] = {
        "Error": {"Code": code, "Message": f"injected {code}"},
        "ResponseMetadata": {"HTTPStatusCode": status},
    }
    if reasons is not None:
        response["CancellationReasons"] = [{"Code": reason} for reason in reasons]
    return ClientError(response, operation)  # type: ignore[arg-type]


@pytest.fixture
def inject(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, Fault], list[str]]:
    """inject(operation, fault): ``fault(operation)`` returns the exception to raise, or None to pass."""
    faults: dict[str, Fault] = {}
    seen: list[str] = []

    def fake(client: Any, operation: str, params: dict[str, Any]) -> Any:
        if client.meta.service_model.service_name == "dynamodb" and operation in faults:
            seen.append(operation)
            error = faults[operation](operation)
            if error is not None:
                raise error
        return _real_call(client, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", fake)
    monkeypatch.setattr("spooky.db.transactions.BASE_DELAY_SECONDS", 0.001)

    def add(operation: str, fault: Fault) -> list[str]:
        faults[operation] = fault
        return seen

    return add


def always(error: Exception) -> Fault:
    return lambda _: error


def times(count: int, error: Exception) -> Fault:
    remaining = [count]

    def fault(_: str) -> Exception | None:
        if remaining[0] <= 0:
            return None
        remaining[0] -= 1
        return error

    return fault


@pytest.fixture
def author(local_tables: dict[str, str]) -> str:
    return factories.create_user(NewUser(name="Morticia", email=f"m-{new_id()}@example.com"), None).id


def posts_of(user_id: str) -> list[str]:
    return [post["name"] for post in call("GET", f"/users/{user_id}").body["posts"]]


@pytest.mark.parametrize(
    ("operation", "error"),
    [
        ("GetItem", client_error("ThrottlingException", "GetItem")),
        ("GetItem", client_error("ProvisionedThroughputExceededException", "GetItem")),
        ("GetItem", client_error("InternalServerError", "GetItem", status=500)),
        ("GetItem", ReadTimeoutError(endpoint_url="http://dynamodb")),
    ],
    ids=["throttled", "throughput-exceeded", "dynamodb-500", "timeout"],
)
def test_read_faults_become_503_with_retry_after(
    author: str, inject: Callable[[str, Fault], list[str]], operation: str, error: Exception
) -> None:
    post_id = call("POST", "/posts", user_id=author, body={"name": "p"}).body["id"]
    inject(operation, always(error))

    response = call("GET", f"/posts/{post_id}")

    assert response.status == 503
    assert response.body["code"] == "SERVICE_UNAVAILABLE"
    assert response.header("Retry-After") == "1"


def test_transaction_conflict_is_retried_then_succeeds_once(
    author: str, inject: Callable[[str, Fault], list[str]]
) -> None:
    conflict = client_error(
        "TransactionCanceledException", "TransactWriteItems", reasons=["TransactionConflict", "None"]
    )
    seen = inject("TransactWriteItems", times(2, conflict))

    response = call("POST", "/posts", user_id=author, body={"name": "eventually"})

    assert response.status == 201
    assert len(seen) == 3
    assert posts_of(author) == ["eventually"]
    assert users.get_user(author).post_count == 1  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("reasons", "status", "code"),
    [
        (["TransactionConflict", "None"], 409, "CONFLICT"),
        (["None", "ThrottlingError"], 503, "SERVICE_UNAVAILABLE"),
        (["ProvisionedThroughputExceeded", "None"], 503, "SERVICE_UNAVAILABLE"),
        (["None", "ValidationError"], 409, "CONFLICT"),
        (["ItemCollectionSizeLimitExceeded", "None"], 409, "CONFLICT"),
    ],
)
def test_persistent_transaction_failures_write_nothing(
    author: str, inject: Callable[[str, Fault], list[str]], reasons: list[str], status: int, code: str
) -> None:
    inject(
        "TransactWriteItems",
        always(client_error("TransactionCanceledException", "TransactWriteItems", reasons=reasons)),
    )

    response = call("POST", "/posts", user_id=author, body={"name": "never"})

    assert response.status == status
    assert response.body["code"] == code
    if status == 503:
        assert response.header("Retry-After")
    assert posts_of(author) == []
    assert users.get_user(author).post_count == 0  # type: ignore[union-attr]


def test_author_condition_failure_is_404_and_writes_nothing(
    author: str, inject: Callable[[str, Fault], list[str]]
) -> None:
    # PynamoDB sends puts before updates: the post put comes first, the author update second.
    cancelled = client_error(
        "TransactionCanceledException", "TransactWriteItems", reasons=["None", "ConditionalCheckFailed"]
    )
    inject("TransactWriteItems", always(cancelled))

    response = call("POST", "/posts", user_id=author, body={"name": "orphan"})

    assert response.status == 404
    assert posts_of(author) == []


def test_write_timeout_is_503_and_update_not_applied(
    author: str, inject: Callable[[str, Fault], list[str]]
) -> None:
    post_id = call("POST", "/posts", user_id=author, body={"name": "before"}).body["id"]
    # An edit is one transaction: the caller is live, and the post is theirs at the expected version.
    inject("TransactWriteItems", always(ReadTimeoutError(endpoint_url="http://dynamodb")))

    response = call("PATCH", f"/posts/{post_id}", user_id=author, body={"name": "after"})

    assert response.status == 503
    assert call("GET", f"/posts/{post_id}").body["name"] == "before"


@pytest.fixture
def lose_first_response(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], list[dict[str, Any]]]:
    """lose_first_response(operation): its first request reaches DynamoDB Local and is applied, then the
    client sees a read timeout instead of the answer, as when a response is lost on the way back, and
    the SDK retries it (botocore retries any timeout). Returns the requests sent for ``operation``."""
    real_send = botocore.endpoint.Endpoint._send
    sent: list[dict[str, Any]] = []
    chosen: list[str] = []

    def send(endpoint: Any, request: Any) -> Any:
        target = request.headers.get("X-Amz-Target", b"")
        operation = (target.decode() if isinstance(target, bytes) else target).rsplit(".", 1)[-1]
        response = real_send(endpoint, request)
        if operation in chosen:
            sent.append(json.loads(request.body))
            if len(sent) == 1:
                raise ReadTimeoutError(endpoint_url=request.url)
        return response

    monkeypatch.setattr(botocore.endpoint.Endpoint, "_send", send)

    def choose(operation: str) -> list[dict[str, Any]]:
        chosen.append(operation)
        return sent

    return choose


def test_a_transaction_whose_answer_was_lost_is_applied_once_and_answered(
    author: str, lose_first_response: Callable[[str], list[dict[str, Any]]]
) -> None:
    """botocore gives every TransactWriteItems a ClientRequestToken (an idempotency token in DynamoDB's
    service model) and resends it with each retry: DynamoDB answers the retry as it answered the
    original, and applies nothing again. Without it the retry would fail the post's own condition, and
    the client get a 409 for a post that was created (and retry into a duplicate)."""
    sent = lose_first_response("TransactWriteItems")

    response = call("POST", "/posts", user_id=author, body={"name": "once"})

    assert len(sent) == 2  # the lost one and the SDK's retry
    assert sent[0]["ClientRequestToken"] == sent[1]["ClientRequestToken"]
    assert response.status == 201
    assert posts_of(author) == ["once"]
    assert users.get_user(author).post_count == 1  # type: ignore[union-attr]
