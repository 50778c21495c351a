"""Email-and-password accounts: sign-up, sign-in, password change and reset, account deletion.

Timing: every path that checks a password does one argon2 verification whether or not the account
exists (spooky.auth.passwords), and sign-up hashes before it learns whether the email is taken.
"""

from __future__ import annotations

from dataclasses import dataclass

from spooky.auth import errors
from spooky.auth.origin import check_callback_url
from spooky.auth.passwords import check_password_rules, hash_password, verify_password
from spooky.clock import utcnow
from spooky.errors import BadRequest, NotFound
from spooky.models.app import AccountModel
from spooky.repositories import sessions as session_repository
from spooky.repositories import users as user_repository
from spooky.schemas.auth import SignInOut, SignUpBody, TokenAndUser
from spooky.schemas.common import normalize_email
from spooky.schemas.users import UserOut
from spooky.services.auth import emails, rate_limits
from spooky.services.auth.sessions import FRESH_AGE, Client, StartedSession, start_session
from spooky.services.mapping import to_user_out
from spooky.settings import get_settings


@dataclass(frozen=True)
class SignedIn:
    """An answer that opens a session: ``body`` for the wire, ``session`` for the cookies."""

    body: TokenAndUser | SignInOut
    session: StartedSession

    @property
    def user(self) -> UserOut:
        return self.body.user


@dataclass(frozen=True)
class PasswordChanged:
    """change-password's answer; ``session`` is the new one when the other sessions were revoked."""

    body: TokenAndUser
    session: StartedSession | None


def sign_up(body: SignUpBody, *, client: Client, api_base_url: str) -> SignedIn:
    """Create the user with a credential account, sign them in and email a verification link.

    A taken email is Better Auth's 422 USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL (the uniqueness claim and
    the user are one transaction, so concurrent sign-ups with one email cannot both win).
    """
    check_password_rules(body.password)
    check_callback_url(body.callback_url, get_settings().trusted_origin_list)
    user = user_repository.create_user(body, hash_password(body.password))
    session = start_session(user.id, remember=body.remember_me is not False, client=client)
    emails.send_verification(user, body.callback_url, api_base_url)
    return SignedIn(TokenAndUser(token=session.token, user=to_user_out(user)), session)


def sign_in(
    email: str, password: str, *, remember: bool, client: Client, callback_url: str | None = None
) -> SignedIn:
    """Check the password and open a session; one answer (401) for every kind of wrong credential."""
    try:
        normalized = normalize_email(email)
    except ValueError:
        raise errors.invalid_email() from None
    check_callback_url(callback_url, get_settings().trusted_origin_list)
    rate_limits.check_sign_in(normalized, client.ip_address)
    user_id = user_repository.find_user_id_by_email(normalized)
    user, account = user_repository.get_user_and_credential(user_id) if user_id else (None, None)
    # Verified whether or not the account exists: the same work (and time) for every wrong credential.
    check = verify_password(account.password if account else None, password)
    if user is None or not check.valid:
        raise errors.invalid_email_or_password()
    account_hash = account.password if account else None
    if check.needs_rehash:
        # Imported scrypt hashes (and weaker argon2 parameters) become argon2id at the first sign-in.
        account_hash = hash_password(password)
        user_repository.set_password(user.id, account_hash)
    try:
        # Only while the verified password is still current: a reset racing this sign-in wins.
        session = start_session(user.id, remember=remember, client=client, password_hash=account_hash)
    except NotFound:  # deleted, or the password changed, between the read and the session write
        raise errors.invalid_email_or_password() from None
    answer = SignInOut(
        redirect=callback_url is not None, token=session.token, url=callback_url, user=to_user_out(user)
    )
    return SignedIn(answer, session)


def _check_current_password(account: AccountModel | None, password: str) -> None:
    if account is None or not account.password:
        raise errors.credential_account_not_found()
    if not verify_password(account.password, password).valid:
        raise errors.invalid_password()


def change_password(
    user_id: str,
    current_password: str,
    new_password: str,
    *,
    revoke_other_sessions: bool,
    remember: bool,
    client: Client,
) -> PasswordChanged:
    """Replace the password after checking the current one.

    With revokeOtherSessions every session (the current one included) is revoked and a new one is
    returned, as Better Auth does.
    """
    check_password_rules(new_password)
    rate_limits.check_password(user_id, client.ip_address)
    new_hash = hash_password(new_password)
    user, account = user_repository.get_user_and_credential(user_id)
    if user is None:
        raise errors.unauthorized()
    _check_current_password(account, current_password)
    user_repository.set_password(user_id, new_hash)
    started = None
    if revoke_other_sessions:
        session_repository.delete_sessions(user_id)
        started = start_session(user_id, remember=remember, client=client, password_hash=new_hash)
    return PasswordChanged(
        TokenAndUser(token=started.token if started else None, user=to_user_out(user)), started
    )


def reset_password(token: str | None, new_password: str, *, ip_address: str | None = None) -> None:
    """Set a new password with a reset token; every session of the user is revoked."""
    rate_limits.check_reset_password(ip_address)
    if not token:
        raise errors.invalid_token()
    check_password_rules(new_password)
    user_id = emails.consume_reset_token(token)
    user_repository.set_password(user_id, hash_password(new_password))
    # Whoever knew the old password (or holds an old session) is signed out everywhere.
    session_repository.delete_sessions(user_id)


def delete_user(
    user_id: str,
    session_id: str,
    *,
    password: str | None,
    token: str | None,
    callback_url: str | None = None,
    ip_address: str | None = None,
) -> None:
    """Soft-delete the signed-in user and revoke all their sessions.

    A given password must be right; users with a password must give it (USER_ALREADY_HAS_PASSWORD);
    users without one need a session opened within the last day (SESSION_EXPIRED). Deletion links
    (``token``) are never sent by this API, so none is valid.
    """
    check_callback_url(callback_url, get_settings().trusted_origin_list)
    if token:
        raise errors.invalid_token()
    account = user_repository.get_credential(user_id)
    if password is not None:
        rate_limits.check_password(user_id, ip_address)
        _check_current_password(account, password)
    elif account is not None and account.password:
        raise BadRequest(
            "User already has a password. Provide that to delete the account.",
            code="USER_ALREADY_HAS_PASSWORD",
        )
    else:
        session = session_repository.get_session(user_id, session_id)
        if session is None:
            raise errors.unauthorized()
        if utcnow() - session.created_at >= FRESH_AGE:
            raise errors.session_expired()
    user_repository.soft_delete_user(user_id)
    session_repository.delete_sessions(user_id)
