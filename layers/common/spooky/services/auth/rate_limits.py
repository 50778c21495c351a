"""Brute-force and abuse limits: who may try how often (the model is in docs/security.md).

Guessing is limited per (account, source IP) and per source IP, never per account alone: an
account-wide lock is exactly what lets a stranger lock an owner out, so a guesser on one address is
stopped while the owner, from theirs, is not. Limits are checked before any password is verified or
email sent, so a blocked caller costs one conditional write and learns nothing; every attempt counts
(not only failures), which keeps it to that one write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from spooky.clock import utcnow
from spooky.errors import Conflict, TooManyRequests
from spooky.repositories import rate_limits
from spooky.repositories.rate_limits import Counter


@dataclass(frozen=True)
class Limit:
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


def _enforce(*counters: Counter) -> None:
    now = utcnow()
    try:
        refused = rate_limits.count_attempt(counters, now)
    except Conflict:
        # Persistent write conflicts on a counter mean a burst of concurrent attempts: refuse them too.
        refused = counters[0]
    if refused is not None:
        elapsed = int(now.timestamp()) - rate_limits.window_start(now, refused.window)
        retry_after = max(1, int(refused.window.total_seconds()) - elapsed)
        raise TooManyRequests("Too many requests. Please try again later.", retry_after)


def _address(ip_address: str | None) -> str:
    # Behind API Gateway every request has a source IP; direct invocations without one share a bucket.
    return ip_address or "unknown"


def check_sign_in(email: str, ip_address: str | None) -> None:
    ip = _address(ip_address)
    _enforce(SIGN_IN_PER_ACCOUNT_AND_IP.of(email, ip), PASSWORD_GUESSES_PER_IP.of(ip))


def check_password(user_id: str, ip_address: str | None) -> None:
    """change-password and delete-user: a stolen session must not become an unlimited password oracle."""
    ip = _address(ip_address)
    _enforce(PASSWORD_CHECK_PER_USER_AND_IP.of(user_id, ip), PASSWORD_GUESSES_PER_IP.of(ip))


def check_reset_email(email: str, ip_address: str | None) -> None:
    _enforce(RESET_EMAIL_PER_ACCOUNT.of(email), RESET_EMAIL_PER_IP.of(_address(ip_address)))


def check_verification_email(email: str, ip_address: str | None) -> None:
    _enforce(VERIFICATION_EMAIL_PER_ADDRESS.of(email), VERIFICATION_EMAIL_PER_IP.of(_address(ip_address)))


def check_reset_password(ip_address: str | None) -> None:
    _enforce(RESET_PASSWORD_PER_IP.of(_address(ip_address)))
