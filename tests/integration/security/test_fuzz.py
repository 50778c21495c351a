"""Property-based fuzzing of every operation of docs/openapi.json against the local API, over HTTP.

schemathesis generates requests from the generated OpenAPI document: valid ones (positive) and ones
that break it (negative). Every response must be a non-5xx that the document describes (status,
content type and body schema), and afterwards the data store must pass the invariant check: bad
input is refused cleanly and never leaves half a write behind.

Bounded for CI (FUZZ_EXAMPLES per operation and mode, derandomized so a failure reproduces); raise
FUZZ_EXAMPLES locally for a longer run.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import schemathesis
from hypothesis import given
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from devtools.openapi import DOCUMENT_PATH
from spooky.auth.cookies import signed_cookie_value
from spooky.auth.passwords import hash_password
from spooky.ids import new_token
from spooky.repositories import posts
from spooky.schemas.posts import NewPost
from spooky.schemas.users import NewUser
from tests.support import factories
from tests.support.client import FRONT_END_ORIGIN
from tests.support.factories import start_session
from tests.support.invariants import check_invariants
from tests.support.replayable import request_settings

# Many sign-ups and password checks; none of these tests is about hashing. Long: `make test-long`.
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("cheap_passwords")]

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
SETTINGS = request_settings(FUZZ_EXAMPLES, report_multiple_bugs=False)


@pytest.fixture
def local_tables(fresh_tables: dict[str, str]) -> dict[str, str]:
    """The local API on empty tables of its own: the invariant check then sees only this run's writes."""
    return fresh_tables


def fuzz_user() -> tuple[str, str]:
    """A user with a password (unknown to the fuzzer) and one post; returns (user id, post id)."""
    user = factories.create_user(NewUser(name="Fuzz", email="fuzz@example.com"), hash_password(new_token()))
    return user.id, posts.create_post(user.id, NewPost(name="fuzzed")).id


@dataclass
class Tally:
    """Cases tried and statuses seen per operation, and the failures found (one per operation and run)."""

    tried: Counter[str] = field(default_factory=Counter)
    statuses: dict[str, Counter[int]] = field(default_factory=dict)
    failures: dict[str, BaseException] = field(default_factory=dict)

    def print(self) -> None:
        width = max(map(len, self.tried))
        print(f"\nfuzz: {self.total} cases over {len(self.tried)} operations")
        for label, count in sorted(self.tried.items()):
            seen = dict(sorted(self.statuses.get(label, Counter()).items()))
            print(f"  {label:<{width}}  {count:>3}  {seen}")

    @property
    def total(self) -> int:
        return sum(self.tried.values())


def runs(operation: Any, real_ids: dict[str, str]) -> list[tuple[str, GenerationMode, dict[str, Any]]]:
    """Positive and negative cases; with path ids, positive cases on ids that exist as well."""
    chosen: list[tuple[str, GenerationMode, dict[str, Any]]] = [
        ("positive", GenerationMode.POSITIVE, {}),
        ("negative", GenerationMode.NEGATIVE, {}),
    ]
    if operation.path_parameters:
        fixed = {parameter.name: real_ids[parameter.name] for parameter in operation.path_parameters}
        chosen.append(("positive, real ids", GenerationMode.POSITIVE, {"path_parameters": fixed}))
    return chosen


def fuzz(
    operation: Any, mode: GenerationMode, send: Callable[[Any], None], **fixed: Any
) -> BaseException | None:
    """Fuzz one operation in one mode; returns the first failure instead of raising it."""
    try:
        strategy = operation.as_strategy(generation_mode=mode, **fixed)
    except Exception as error:
        return error

    @SETTINGS
    @given(case=strategy)
    def run(case: Any) -> None:
        send(case)

    try:
        run()
    except Unsatisfiable:  # nothing can break the document here (e.g. no parameters in negative mode)
        return None
    except (Exception, BaseExceptionGroup) as error:  # every operation runs; failures are reported together
        return error
    return None


def test_fuzz_every_operation(local_api: str, local_tables: dict[str, str]) -> None:
    schema = schemathesis.openapi.from_path(DOCUMENT_PATH)
    user_id, post_id = fuzz_user()
    tally = Tally()

    for result in schema.get_all_operations():
        operation = result.ok()
        label = operation.label
        # A session of its own per operation: one that revokes sessions only blinds itself. A browser's
        # Origin too: with the generated session cookie, every POST would otherwise be a 403.
        token = signed_cookie_value(start_session(user_id).token)
        headers = {"Authorization": f"Bearer {token}", "Origin": FRONT_END_ORIGIN}

        def send(case: Any, label: str = label, headers: dict[str, str] = headers) -> None:
            tally.tried[label] += 1
            response = case.call_and_validate(base_url=local_api, headers=headers, checks=CHECKS)
            tally.statuses.setdefault(label, Counter())[response.status_code] += 1

        for name, mode, fixed in runs(operation, {"postId": post_id, "userId": user_id}):
            failure = fuzz(operation, mode, send, **fixed)
            if failure is not None:
                tally.failures[f"{label} ({name})"] = failure

    tally.print()
    assert not tally.failures, "\n\n".join(f"{label}:\n{error}" for label, error in tally.failures.items())
    report = check_invariants(local_tables)
    print(f"  {report}")
    assert report.ok, str(report)
