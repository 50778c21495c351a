"""DynamoDB request budgets per route (issue 12), and the ratchet that holds today's routes above theirs.

A route may make ``max(budget, ratchet)`` requests: the budget is the goal; the ratchet is the count a
route above its budget made when it was last measured, so that a route already over budget does not fail
the run while its requests are being cut, and cannot grow either. A run of the endpoints benchmark
(``python -m bench.run --quick``, what CI runs) exits non-zero when a route makes more requests than it is
allowed, and asks for the ratchet to be lowered when a route makes fewer than its recorded count.

Edit the tables below, never the report: docs/performance.md shows what they say.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

AUTHORIZER = "authorizer"
FILE = "bench/budgets.py"


@dataclass(frozen=True)
class Budget:
    requests: int
    # Why the route needs more than one request (shown under the route's target when it is over budget).
    why: str = ""
    next_step: str = ""


# Every route of template.yaml (and each variant in bench/scenarios.py), by its label in the report.
# Issue 12: the authorizer and GET /api/auth/get-session 1 request; sign-in 3; every other /api/auth/*
# route 2; the feed 2; every other route 1, save the documented exceptions (health, idempotent create).
# An auth route that needs fewer than the issue's ceiling is held to what it needs (budget 1), so
# that a regression from 1 request to 2 fails the run as well.
ISSUE_AUTH_CEILING = 2
# Why the four routes of the ratchet below cannot get to 1 request without giving up a guarantee.
_AUTHOR_PAGE = (
    "the author is read strongly consistent, so that a deleted user's page is gone at once, and the posts "
    "come from the UserPosts index, which serves eventually consistent reads only; both are sent at once",
    "one request would need the posts in the author's own item collection (a strongly consistent Query), "
    "which their key (POST#<id>, read by id) rules out without a second copy of every post: kept at 2",
)
BUDGETS: dict[str, Budget] = {
    AUTHORIZER: Budget(1),  # the user-is-live check included: session and user in one BatchGetItem
    "POST /api/auth/sign-up/email": Budget(1),
    "POST /api/auth/sign-in/email": Budget(3),
    "POST /api/auth/sign-out": Budget(1),
    "GET /api/auth/get-session": Budget(1),
    "GET /api/auth/list-sessions": Budget(1),
    "POST /api/auth/revoke-session": Budget(1),
    "POST /api/auth/revoke-sessions": Budget(1),
    "POST /api/auth/revoke-other-sessions": Budget(2),  # the caller's session read, then the write
    "POST /api/auth/update-user": Budget(1),
    "POST /api/auth/change-password": Budget(2),
    "POST /api/auth/send-verification-email": Budget(2),
    "GET /api/auth/verify-email": Budget(2),
    "POST /api/auth/request-password-reset": Budget(2),
    "POST /api/auth/reset-password": Budget(2),
    "POST /api/auth/delete-user": Budget(2),
    "GET /users/{userId}": Budget(1, *_AUTHOR_PAGE),
    "GET /users/{userId}/posts": Budget(1, *_AUTHOR_PAGE),
    # 1 Query of the posts' Timeline partition (each post carries its author's name and email) + 1 strongly
    # consistent Query of the deleted authors whose posts may still be indexed, sent together.
    "GET /posts": Budget(2),
    "POST /posts": Budget(1),
    "POST /posts (with Idempotency-Key)": Budget(
        3,
        "Powertools' idempotency utility writes the in-progress record before the handler's transaction "
        "and the response after it (PutItem + TransactWriteItems + UpdateItem); only clients that send the "
        "header pay it",
        "if it matters, put the idempotency record into the post's transaction (Put with "
        "attribute_not_exists) and store the response with it",
    ),
    "GET /posts/{postId}": Budget(
        1,
        "the post names its author, and only then can the author be read (strongly consistent) to hide the "
        "post of a deleted author at once",
        "one request would need each post to carry its author's deletion, which no write can set on all "
        "of an author's posts at once (a transaction holds 100 items): kept at 2 for the guarantee",
    ),
    "PATCH /posts/{postId}": Budget(
        1,
        "the edit is one transaction (the caller is live; the post is theirs, live, at that version) and "
        "transactions return no values, so the answer is read back, strongly consistent",
        "an UpdateItem with ReturnValues would answer in one request but cannot check the caller in the "
        "same atomic write: kept at 2 for the guarantee",
    ),
    "DELETE /posts/{postId}": Budget(1),
    "GET /health": Budget(2, "one GetItem per table, by design: the check proves that each table answers"),
}

# The ratchet: the request count of each route above its budget when it was last measured. It only goes
# down: lower an entry when its route gets cheaper (the run says so), delete it once the route is within
# its budget; never raise one (a route that needs more requests needs a new budget, argued in review).
RATCHET: dict[str, int] = {
    "GET /users/{userId}": 2,
    "GET /users/{userId}/posts": 2,
    "GET /posts/{postId}": 2,
    "PATCH /posts/{postId}": 2,
}


@dataclass(frozen=True)
class Verdict:
    """One route's measured request count against its budget and ratchet."""

    route: str
    requests: int
    budget: int | None  # None: the route has no budget in BUDGETS
    recorded: int | None = None  # its RATCHET entry

    @property
    def allowed(self) -> int:
        return max(self.budget or 0, self.recorded or 0)

    @property
    def status(self) -> str:
        """met (within budget), gap (over budget, within the ratchet) or over (more than allowed)."""
        if self.budget is None or self.requests > self.allowed:
            return "over"
        return "met" if self.requests <= self.budget else "gap"

    def failure(self) -> str | None:
        """Why the run fails because of this route, or None."""
        if self.budget is None:
            return f"{self.route}: {self.requests} DynamoDB requests, and no budget in {FILE} (add one)"
        if self.requests <= self.allowed:
            return None
        held = f", ratchet {self.recorded}" if self.recorded else ""
        return (
            f"{self.route}: {self.requests} DynamoDB requests, {self.allowed} allowed "
            f"(budget {self.budget}{held} in {FILE})"
        )

    def reminder(self) -> str | None:
        """The ratchet entry to lower (or delete) because the route got cheaper, or None."""
        if self.recorded is None or self.budget is None or self.requests >= self.recorded:
            return None
        change = (
            "delete its entry: the route is within its budget"
            if self.requests <= self.budget
            else f"lower it to {self.requests}"
        )
        return (
            f"{self.route}: {self.requests} DynamoDB requests, below its ratchet of {self.recorded} "
            f"in {FILE}: {change}"
        )

    def describe(self) -> str:
        """The budget as the report shows it: '2', or '2 (ratchet 4)' for a route held by the ratchet."""
        if self.budget is None:
            return "none"
        return f"{self.budget} (ratchet {self.recorded})" if self.recorded else str(self.budget)


def verdict(
    route: str,
    requests: int,
    budgets: Mapping[str, Budget] = BUDGETS,
    ratchet: Mapping[str, int] = RATCHET,
) -> Verdict:
    budget = budgets.get(route)
    return Verdict(route, requests, budget.requests if budget else None, ratchet.get(route))
