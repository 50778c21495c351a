"""Brute-force limits on password guessing and reset emails, per account and per source IP.

Limits are checked before any password is verified, so a blocked caller costs one counter update
and learns nothing. Every attempt counts (not only failures): failures alone would need a second
write after the check, and legitimate users stay far below these numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from spooky.clock import utcnow
from spooky.errors import TooManyRequests
from spooky.repositories import rate_limits


@dataclass(frozen=True)
class Limit:
    scope: str
    attempts: int
    window: timedelta


SIGN_IN_PER_ACCOUNT = Limit("sign-in:account", 10, timedelta(minutes=15))
SIGN_IN_PER_IP = Limit("sign-in:ip", 100, timedelta(minutes=15))
RESET_EMAIL_PER_ACCOUNT = Limit("reset-email:account", 5, timedelta(hours=1))
RESET_EMAIL_PER_IP = Limit("reset-email:ip", 30, timedelta(hours=1))
RESET_PASSWORD_PER_IP = Limit("reset-password:ip", 30, timedelta(minutes=15))


def _enforce(limit: Limit, subject: str | None) -> None:
    if not subject:
        return
    now = utcnow()
    if rate_limits.hit(limit.scope, subject, now, limit.window) > limit.attempts:
        window_seconds = int(limit.window.total_seconds())
        elapsed = int(now.timestamp()) - rate_limits.window_start(now, limit.window)
        raise TooManyRequests("Too many requests. Please try again later.", max(1, window_seconds - elapsed))


def check_sign_in(email: str, ip_address: str | None) -> None:
    _enforce(SIGN_IN_PER_IP, ip_address)
    _enforce(SIGN_IN_PER_ACCOUNT, email)


def check_reset_email(email: str, ip_address: str | None) -> None:
    _enforce(RESET_EMAIL_PER_IP, ip_address)
    _enforce(RESET_EMAIL_PER_ACCOUNT, email)


def check_reset_password(ip_address: str | None) -> None:
    _enforce(RESET_PASSWORD_PER_IP, ip_address)
