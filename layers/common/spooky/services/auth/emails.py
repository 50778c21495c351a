"""Email verification and password-reset messages, and the one-time tokens behind their links.

A token is ids.new_token() (256 bits) stored only as the SHA-256 of ``<purpose>:<token>`` in the
Verification table, with a one-hour TTL; consuming it deletes it, so each link works once. The public
endpoints answer the same, no faster, for unknown and known emails: nothing reveals who has an account.
"""

from __future__ import annotations

from datetime import timedelta
from html import escape

from spooky.auth import errors
from spooky.auth.origin import absolute_url, check_callback_url, check_redirect_url, with_query
from spooky.auth.timing import ACCOUNT_BLIND_SECONDS, no_faster_than
from spooky.clock import utcnow
from spooky.email import EmailMessage, deliver
from spooky.errors import BadRequest, NotFound, Unauthorized
from spooky.ids import new_token
from spooky.models.app import UserModel
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


def _message(user: UserModel, tag: str, subject: str, intro: str, action: str, link: str) -> EmailMessage:
    text = f"Hi {user.name},\n\n{intro}\n\n{action}: {link}\n\nThe link works once, within one hour.\n"
    html = (
        f"<p>Hi {escape(user.name)},</p><p>{escape(intro)}</p>"
        f'<p><a href="{escape(link)}">{escape(action)}</a></p><p>The link works once, within one hour.</p>'
    )
    return EmailMessage(to=user.email, subject=subject, text=text, html=html, tag=tag, link=link)


def _live_user_by_email(email: str) -> UserModel | None:
    user_id = user_repository.find_user_id_by_email(email)
    return user_repository.get_user(user_id, consistent=True) if user_id else None


def _front_end(url: str) -> str:
    """A checked redirect target as an absolute URL; relative ones belong to the front end."""
    return absolute_url(url, get_settings().public_base_url)


def send_verification(user: UserModel, callback_url: str | None, api_base_url: str) -> bool:
    """Email ``user`` a one-time link to GET /api/auth/verify-email (which then redirects to callbackURL).

    ``api_base_url`` is this API's own URL: the link must reach verify-email, as Better Auth's does.
    """
    token = new_token()
    verifications.create_verification(f"{VERIFY_EMAIL}:{token}", user.id, utcnow() + VERIFICATION_LIFETIME)
    link = with_query(f"{api_base_url}/api/auth/verify-email", token=token, callbackURL=callback_url or "/")
    intro = "Please confirm your email address."
    return deliver(_message(user, VERIFY_EMAIL, "Verify your email address", intro, "Verify email", link))


def request_verification_email(
    email: str,
    callback_url: str | None,
    api_base_url: str,
    session_token: str | None,
    ip_address: str | None = None,
) -> None:
    """send-verification-email: signed in, for one's own unverified email; else for any email, blindly.

    Limited per recipient and per source address whoever asks: nobody can flood an inbox through it.
    """
    check_callback_url(callback_url, get_settings().trusted_origin_list)
    rate_limits.check_verification_email(email, ip_address)
    signed_in_user = sessions.signed_in_user(session_token)
    if signed_in_user is not None:
        if signed_in_user.email_verified:
            raise BadRequest("Email is already verified", code="EMAIL_ALREADY_VERIFIED")
        if signed_in_user.email != email:
            raise BadRequest(
                "You can only send a verification email to your own email", code="EMAIL_MISMATCH"
            )
        send_verification(signed_in_user, callback_url, api_base_url)
        return
    with no_faster_than(ACCOUNT_BLIND_SECONDS):
        user = _live_user_by_email(email)
        if user is not None and not user.email_verified:
            send_verification(user, callback_url, api_base_url)


def verify_email(token: str) -> None:
    """Mark the link's user verified; each link works once."""
    user_id = verifications.consume_verification(f"{VERIFY_EMAIL}:{token}")
    if user_id is None:
        raise EmailVerificationFailed("invalid_token")
    try:
        user_repository.mark_email_verified(user_id)
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
    ``redirectTo?token=<token>``; this API puts that final URL in the email directly.
    """
    check_redirect_url(redirect_to, get_settings().trusted_origin_list)
    rate_limits.check_reset_email(email, ip_address)
    with no_faster_than(ACCOUNT_BLIND_SECONDS):
        user = _live_user_by_email(email)
        if user is None:
            return
        token = new_token()
        verifications.create_verification(f"{RESET_PASSWORD}:{token}", user.id, utcnow() + RESET_LIFETIME)
        link = with_query(_front_end(redirect_to or DEFAULT_RESET_PAGE), token=token)
        deliver(
            _message(
                user,
                RESET_PASSWORD,
                "Reset your password",
                "Someone (hopefully you) asked to reset your password.",
                "Choose a new password",
                link,
            )
        )


def consume_reset_token(token: str) -> str:
    """The user id a reset token was issued for; the token is spent."""
    user_id = verifications.consume_verification(f"{RESET_PASSWORD}:{token}")
    if user_id is None:
        raise errors.invalid_token()
    return user_id
