"""Email verification and password-reset messages, and the one-time tokens behind their links.

A token is ids.new_token() (256 bits) stored only as the SHA-256 of ``<purpose>:<token>`` in the
Verification table, with a one-hour TTL; consuming it deletes it, so each link works once. The public
endpoints answer the same, no faster, for unknown and known emails: nothing reveals who has an account.
"""

from __future__ import annotations

from datetime import timedelta
from html import escape
from typing import NamedTuple

from spooky.auth import errors
from spooky.auth.origin import absolute_url, check_callback_url, check_redirect_url, with_query
from spooky.auth.timing import ACCOUNT_BLIND_SECONDS, no_faster_than
from spooky.clock import utcnow
from spooky.db.transactions import Part
from spooky.email import EmailMessage, deliver
from spooky.errors import BadRequest, NotFound, Unauthorized
from spooky.ids import new_token
from spooky.repositories import users as user_repository
from spooky.repositories import verifications
from spooky.services.auth import rate_limits, sessions
from spooky.settings import get_settings

# Better Auth's defaults: verification links and reset tokens live one hour.
VERIFICATION_LIFETIME = timedelta(hours=1)
RESET_LIFETIME = timedelta(hours=1)
VERIFY_EMAIL = "verify-email"
RESET_PASSWORD = "reset-password"
# Where a reset link lands when the client gave no redirectTo (a page of the front end).
DEFAULT_RESET_PAGE = "/reset-password"


class EmailVerificationFailed(Unauthorized):
    """verify-email's failures, named as Better Auth names them (``?error=<reason>`` on redirects)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason, code=reason.upper())
        self.reason = reason


class Outgoing(NamedTuple):
    """An email that may go out once ``part`` (its one-time token) is written."""

    part: Part
    message: EmailMessage


def _message(to: str, tag: str, subject: str, intro: str, action: str, link: str) -> EmailMessage:
    # No name: the unsigned requests know the recipient only by their email claim (one read fewer).
    text = f"Hello,\n\n{intro}\n\n{action}: {link}\n\nThe link works once, within one hour.\n"
    html = (
        f"<p>Hello,</p><p>{escape(intro)}</p>"
        f'<p><a href="{escape(link)}">{escape(action)}</a></p><p>The link works once, within one hour.</p>'
    )
    return EmailMessage(to=to, subject=subject, text=text, html=html, tag=tag, link=link)


def _front_end(url: str) -> str:
    """A checked redirect target as an absolute URL; relative ones belong to the front end."""
    return absolute_url(url, get_settings().public_base_url)


def verification(user_id: str, email: str, callback_url: str | None, api_base_url: str) -> Outgoing:
    """A one-time link to GET /api/auth/verify-email (which then redirects to callbackURL).

    ``api_base_url`` is this API's own URL: the link must reach verify-email, as Better Auth's does.
    """
    token = new_token()
    expires = utcnow() + VERIFICATION_LIFETIME
    part = verifications.creation(f"{VERIFY_EMAIL}:{token}", user_id, expires, email=email)
    link = with_query(f"{api_base_url}/api/auth/verify-email", token=token, callbackURL=callback_url or "/")
    intro = "Please confirm your email address."
    return Outgoing(
        part, _message(email, VERIFY_EMAIL, "Verify your email address", intro, "Verify email", link)
    )


def _send_counted(attempt: rate_limits.Attempt, outgoing: Outgoing | None, *checks: Part) -> None:
    """Count ``attempt`` and write the email's token in one transaction, then send it.

    When a check fails (the account changed since it was read), only the attempt is counted and
    nothing is sent: the caller's answer is the same either way.
    """
    if outgoing is None:
        rate_limits.commit(attempt)
        return
    try:
        rate_limits.commit(attempt, *checks, outgoing.part)
    except NotFound:
        rate_limits.commit(attempt)
        return
    deliver(outgoing.message)


def request_verification_email(
    email: str,
    callback_url: str | None,
    api_base_url: str,
    session_token: str | None,
    ip_address: str | None = None,
) -> None:
    """send-verification-email: signed in, for one's own unverified email; else for any email, blindly.

    Limited per recipient and per source address whoever asks: nobody can flood an inbox through it.
    Two requests: the caller's session (if any) and the email's claim in one BatchGetItem, then the
    counters and the token in one transaction.
    """
    check_callback_url(callback_url, get_settings().trusted_origin_list)
    attempt = rate_limits.verification_email(email, ip_address)
    claim_key = user_repository.email_claim_key(email)
    found = sessions.authenticate_with(session_token, also=[claim_key])
    if found.signed_in is not None:
        user = found.signed_in.user
        if user.email_verified:
            raise BadRequest("Email is already verified", code="EMAIL_ALREADY_VERIFIED")
        if user.email != email:
            raise BadRequest(
                "You can only send a verification email to your own email", code="EMAIL_MISMATCH"
            )
        _send_counted(attempt, verification(user.id, email, callback_url, api_base_url))
        return
    with no_faster_than(ACCOUNT_BLIND_SECONDS):
        claim = found.items.get(claim_key)
        if claim is None or claim.email_verified:
            _send_counted(attempt, None)
            return
        outgoing = verification(claim.user_id, email, callback_url, api_base_url)
        _send_counted(attempt, outgoing, user_repository.unverified_check(claim.user_id))


def verify_email(token: str) -> None:
    """Mark the link's user verified; each link works once."""
    spent = verifications.consume_verification(f"{VERIFY_EMAIL}:{token}")
    if spent is None:
        raise EmailVerificationFailed("invalid_token")
    try:
        user_repository.mark_email_verified(spent.value, spent.email)
    except NotFound:
        raise EmailVerificationFailed("user_not_found") from None


def verification_redirect(callback_url: str, error: str | None = None) -> str:
    """Where verify-email sends the browser: callbackURL, with ``?error=<reason>`` on failure."""
    target = _front_end(callback_url)
    return with_query(target, error=error) if error else target


def check_verification_callback(callback_url: str | None) -> None:
    check_callback_url(callback_url, get_settings().trusted_origin_list)


def request_password_reset(email: str, redirect_to: str | None, *, ip_address: str | None = None) -> None:
    """Email a reset link if the email has an account; the caller learns nothing either way.

    Better Auth's link passes through GET /api/auth/reset-password/<token>, which only redirects to
    ``redirectTo?token=<token>``; this API puts that final URL in the email directly. Two requests: the
    email's claim, then the counters and the token in one transaction.
    """
    check_redirect_url(redirect_to, get_settings().trusted_origin_list)
    attempt = rate_limits.reset_email(email, ip_address)
    with no_faster_than(ACCOUNT_BLIND_SECONDS):
        claim = user_repository.find_email_claim(email)
        if claim is None:
            _send_counted(attempt, None)
            return
        token = new_token()
        part = verifications.creation(f"{RESET_PASSWORD}:{token}", claim.user_id, utcnow() + RESET_LIFETIME)
        link = with_query(_front_end(redirect_to or DEFAULT_RESET_PAGE), token=token)
        message = _message(
            email,
            RESET_PASSWORD,
            "Reset your password",
            "Someone (hopefully you) asked to reset your password.",
            "Choose a new password",
            link,
        )
        _send_counted(attempt, Outgoing(part, message), user_repository.claim_held(email, claim.user_id))


def consume_reset_token(token: str) -> str:
    """The user id a reset token was issued for; the token is spent."""
    spent = verifications.consume_verification(f"{RESET_PASSWORD}:{token}")
    if spent is None:
        raise errors.invalid_token()
    return spent.value
