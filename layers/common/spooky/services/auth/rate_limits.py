"""Brute-force and abuse limits: who may try how often (the model is in docs/security.md).

Guessing is limited per (account, source IP) and per source IP, never per account alone: an
account-wide lock is exactly what lets a stranger lock an owner out, so a guesser on one address is
stopped while the owner, from theirs, is not. Every attempt counts (not only failures), in the same
transaction as the write the attempt makes: a refused attempt writes nothing at all. Before costly
work (a password verification) the counters are read with the other items the request reads, so a
blocked caller costs no argon2 and learns nothing; emails are sent only after the counting committed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, NamedTuple

from spooky.clock import utcnow
from spooky.db.batch import ItemKey, Items
from spooky.db.transactions import Part, TransactionContended, write_together
from spooky.errors import TooManyRequests
from spooky.repositories import rate_limits
from spooky.repositories.rate_limits import Counter


class Limit(NamedTuple):
    scope: str
    attempts: int
    window: timedelta

    def of(self, *subject: str) -> Counter:
        return Counter(self.scope, "|".join(subject), self.attempts, self.window)


FIFTEEN_MINUTES, HOUR = timedelta(minutes=15), timedelta(hours=1)
# Password guesses: per account (email or user id) from one address, and per address over all accounts.
SIGN_IN_PER_ACCOUNT_AND_IP = Limit("sign-in:account+ip", 10, FIFTEEN_MINUTES)
PASSWORD_CHECK_PER_USER_AND_IP = Limit("password-check:user+ip", 10, FIFTEEN_MINUTES)
PASSWORD_GUESSES_PER_IP = Limit("password:ip", 100, FIFTEEN_MINUTES)
# Emails a stranger can trigger: per recipient address and per source address.
RESET_EMAIL_PER_ACCOUNT = Limit("reset-email:account", 5, HOUR)
RESET_EMAIL_PER_IP = Limit("reset-email:ip", 30, HOUR)
VERIFICATION_EMAIL_PER_ADDRESS = Limit("verification-email:address", 5, HOUR)
VERIFICATION_EMAIL_PER_IP = Limit("verification-email:ip", 30, HOUR)
RESET_PASSWORD_PER_IP = Limit("reset-password:ip", 30, FIFTEEN_MINUTES)


class Attempt(NamedTuple):
    """The counters one attempt moves, at the time it is made."""

    counters: tuple[Counter, ...]
    now: datetime

    def keys(self) -> list[ItemKey[Any]]:
        """The counter items, to read along with whatever else the request reads first."""
        return [counter.key(self.now) for counter in self.counters]

    def refuse_if_at_limit(self, items: Items) -> None:
        refused = rate_limits.first_at_limit(self.counters, items, self.now)
        if refused is not None:
            raise self.refusal(refused)

    def counted(self) -> Part:
        """The transaction part that counts this attempt (and refuses it at a limit)."""
        return rate_limits.counting(self.counters, self.now, self.refusal)

    def refusal(self, counter: Counter) -> TooManyRequests:
        elapsed = int(self.now.timestamp()) - rate_limits.window_start(self.now, counter.window)
        retry_after = max(1, int(counter.window.total_seconds()) - elapsed)
        return TooManyRequests("Too many requests. Please try again later.", retry_after)


def commit(attempt: Attempt, *parts: Part) -> None:
    """Count ``attempt`` and write ``parts`` in one transaction (just the counting without parts)."""
    try:
        write_together(attempt.counted(), *parts)
    except TransactionContended as contended:
        # A burst of concurrent attempts that keeps conflicting on a counter is refused like one over
        # the limit; contention on the attempt's other items is what it is (409, retry).
        if any(label.startswith(rate_limits.LABEL_PREFIX) for label in contended.labels):
            raise attempt.refusal(attempt.counters[0]) from None
        raise


def _attempt(*counters: Counter) -> Attempt:
    return Attempt(counters, utcnow())


def _address(ip_address: str | None) -> str:
    # Behind API Gateway every request has a source IP; direct invocations without one share a bucket.
    return ip_address or "unknown"


def sign_in(email: str, ip_address: str | None) -> Attempt:
    ip = _address(ip_address)
    return _attempt(SIGN_IN_PER_ACCOUNT_AND_IP.of(email, ip), PASSWORD_GUESSES_PER_IP.of(ip))


def password_check(user_id: str, ip_address: str | None) -> Attempt:
    """change-password and delete-user: a stolen session must not become an unlimited password oracle."""
    ip = _address(ip_address)
    return _attempt(PASSWORD_CHECK_PER_USER_AND_IP.of(user_id, ip), PASSWORD_GUESSES_PER_IP.of(ip))


def reset_email(email: str, ip_address: str | None) -> Attempt:
    return _attempt(RESET_EMAIL_PER_ACCOUNT.of(email), RESET_EMAIL_PER_IP.of(_address(ip_address)))


def verification_email(email: str, ip_address: str | None) -> Attempt:
    return _attempt(
        VERIFICATION_EMAIL_PER_ADDRESS.of(email), VERIFICATION_EMAIL_PER_IP.of(_address(ip_address))
    )


def reset_password(ip_address: str | None) -> Attempt:
    return _attempt(RESET_PASSWORD_PER_IP.of(_address(ip_address)))
