"""Email-and-password accounts: sign-up, sign-in, password change and reset, account deletion.

Timing: every path that checks a password does one argon2 verification whether or not the account
exists (spooky.auth.passwords), and sign-up hashes before it learns whether the email is taken.
"""

from __future__ import annotations

from typing import NamedTuple, NoReturn

from spooky.auth import errors
from spooky.auth.origin import check_callback_url
from spooky.auth.passwords import check_password_rules, hash_password, verify_password
from spooky.clock import utcnow
from spooky.db.batch import read_consistently
from spooky.db.transactions import write_together
from spooky.email import deliver
from spooky.errors import BadRequest, Conflict, NotFound
from spooky.models.app import AccountModel, UserModel
from spooky.repositories import sessions as session_repository
from spooky.repositories import users as user_repository
from spooky.schemas.auth.credentials import SignInOut, SignUpBody, TokenAndUser
from spooky.schemas.common import normalize_email
from spooky.schemas.users import UserOut
from spooky.services.auth import emails, rate_limits
from spooky.services.auth.sessions import FRESH_AGE, Client, StartedSession, new_session
from spooky.services.mapping import to_user_out
from spooky.settings import get_settings


class SignedIn(NamedTuple):
    """An answer that opens a session: ``body`` for the wire, ``session`` for the cookies."""

    body: TokenAndUser | SignInOut
    session: StartedSession

    @property
    def user(self) -> UserOut:
        return self.body.user


class PasswordChanged(NamedTuple):
    """change-password's answer; ``session`` is the new one when the other sessions were revoked."""

    body: TokenAndUser
    session: StartedSession | None


def sign_up(body: SignUpBody, *, client: Client, api_base_url: str) -> SignedIn:
    """Create the user with a credential account, sign them in and email a verification link: the
    user, email claim, account, session and verification token are ONE transaction.

    A taken email is Better Auth's 422 USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL (the uniqueness claim and
    the user are one transaction, so concurrent sign-ups with one email cannot both win).
    """
    check_password_rules(body.password)
    check_callback_url(body.callback_url, get_settings().trusted_origin_list)
    password_hash = hash_password(body.password)
    user = user_repository.new_user_item(body, utcnow())
    session = new_session(user.id, remember=body.remember_me is not False, client=client)
    email = emails.verification(user.id, user.email, body.callback_url, api_base_url)
    write_together(
        user_repository.creation(user, password_hash),
        session_repository.opening(session.session),
        email.part,
    )
    deliver(email.message)
    return SignedIn(TokenAndUser(token=session.token, user=to_user_out(user)), session)


def _counted_failure(attempt: rate_limits.Attempt, error: Exception) -> NoReturn:
    """A wrong password is an attempt too: count it (a refusal at the limit answers 429 instead)."""
    rate_limits.commit(attempt)
    raise error


class _Credentials(NamedTuple):
    """A live user with a password, and their session epoch, as a sign-in read them."""

    user: UserModel
    password_hash: str
    epoch: session_repository.EpochRead


# Read in place of an unknown email's user, so that every sign-in makes the same requests: no stored id
# contains "~" (ids are [A-Za-z0-9_-]).
NO_USER_ID = "~no-such-user"


def _credentials_by_email(email: str, attempt: rate_limits.Attempt) -> _Credentials | None:
    """Two strongly consistent BatchGetItems, known email or not: the email's claim with the attempt's
    counters (a 429 at a limit, before any hashing), then the user, credential account and epoch."""
    claim_key = user_repository.email_claim_key(email)
    first = read_consistently(claim_key, *attempt.keys())
    attempt.refuse_if_at_limit(first)
    claim = first.get(claim_key)
    user_id = claim.user_id if claim else NO_USER_ID
    items = read_consistently(
        user_repository.profile_key(user_id),
        user_repository.credential_key(user_id),
        session_repository.epoch_key(user_id),
    )
    user = user_repository.live_user_in(items, user_id)
    account = items.get(user_repository.credential_key(user_id))
    if claim is None or user is None or account is None or not account.password:
        return None
    return _Credentials(
        user, account.password, session_repository.EpochRead(session_repository.epoch_in(items, user_id))
    )


def sign_in(
    email: str, password: str, *, remember: bool, client: Client, callback_url: str | None = None
) -> SignedIn:
    """Check the password and open a session; one answer (401) for every kind of wrong credential.

    Three requests: two reads (``_credentials_by_email``), then one transaction that counts the attempt
    and (when the password was right) opens the session while the user is live, the password
    unchanged and the sessions not revoked.
    """
    try:
        normalized = normalize_email(email)
    except ValueError:
        raise errors.invalid_email() from None
    check_callback_url(callback_url, get_settings().trusted_origin_list)
    attempt = rate_limits.sign_in(normalized, client.ip_address)
    found = _credentials_by_email(normalized, attempt)
    # Verified whether or not the account exists: the same work (and time) for every wrong credential.
    check = verify_password(found.password_hash if found else None, password)
    if found is None or not check.valid:
        _counted_failure(attempt, errors.invalid_email_or_password())
    user_id = found.user.id
    # Imported scrypt hashes (and weaker argon2 parameters) become argon2id at the first sign-in.
    password_part = (
        user_repository.password_change(user_id, hash_password(password), current_hash=found.password_hash)
        if check.needs_rehash
        else user_repository.credential_unchanged(user_id, found.password_hash)
    )
    session = new_session(user_id, remember=remember, client=client, epoch=found.epoch.value)
    try:
        rate_limits.commit(
            attempt,
            user_repository.live_check(user_id),
            password_part,  # a reset racing this sign-in wins
            session_repository.epoch_unchanged(user_id, found.epoch),
            session_repository.opening(session.session),
        )
    except NotFound:  # deleted, or the password changed, between the read and the session write
        raise errors.invalid_email_or_password() from None
    except session_repository.SessionsRevoked:  # the user's sessions were revoked meanwhile
        raise Conflict("The account's sessions were revoked while signing in; sign in again") from None
    answer = SignInOut(
        redirect=callback_url is not None, token=session.token, url=callback_url, user=to_user_out(found.user)
    )
    return SignedIn(answer, session)


def _check_current_password(attempt: rate_limits.Attempt, account: AccountModel | None, password: str) -> str:
    """The verified current password hash; a failure is counted."""
    if account is None or not account.password:
        _counted_failure(attempt, errors.credential_account_not_found())
    if not verify_password(account.password, password).valid:
        _counted_failure(attempt, errors.invalid_password())
    return account.password


def change_password(
    user_id: str,
    session_id: str,
    current_password: str,
    new_password: str,
    *,
    revoke_other_sessions: bool,
    client: Client,
) -> PasswordChanged:
    """Replace the password after checking the current one: two requests (the caller's session and
    epoch, the user, credential and rate counters in one read; then one transaction).

    With revokeOtherSessions every session (the current one included) is revoked and a new one is
    returned, as Better Auth does, as long-lived as the current one: a new session epoch and the new
    session, in the same transaction. Every write is conditioned on the caller's session still living.
    """
    check_password_rules(new_password)
    attempt = rate_limits.password_check(user_id, client.ip_address)
    credential_key = user_repository.credential_key(user_id)
    current, seen, items = session_repository.caller_session(
        user_id, session_id, user_repository.profile_key(user_id), credential_key, *attempt.keys()
    )
    attempt.refuse_if_at_limit(items)
    user = user_repository.live_user_in(items, user_id)
    if user is None:
        raise errors.unauthorized()
    current_hash = _check_current_password(attempt, items.get(credential_key), current_password)
    new_hash = hash_password(new_password)
    parts = [
        user_repository.live_check(user_id),
        user_repository.password_change(user_id, new_hash, current_hash=current_hash),
    ]
    started = None
    if revoke_other_sessions:
        epoch, revocation = session_repository.revocation(user_id, seen=seen)
        started = new_session(user_id, remember=current.remember, client=client, epoch=epoch)
        parts += [revocation, session_repository.opening(started.session)]
    else:
        parts.append(session_repository.epoch_unchanged(user_id, seen))
    try:
        rate_limits.commit(attempt, *parts)
    except NotFound:  # the password changed (or the user went) since it was verified
        raise errors.invalid_password() from None
    return PasswordChanged(
        TokenAndUser(token=started.token if started else None, user=to_user_out(user)), started
    )


def reset_password(token: str | None, new_password: str, *, ip_address: str | None = None) -> None:
    """Set a new password with a reset token and revoke every session of the user: two requests.

    The token is spent first (one conditional DeleteItem): an invalid one costs no hashing. Then one
    transaction counts the reset for the address, sets the password and writes a new session epoch.
    """
    if not token:
        raise errors.invalid_token()
    check_password_rules(new_password)
    user_id = emails.consume_reset_token(token)
    _, revocation = session_repository.revocation(user_id)
    # Whoever knew the old password (or holds an old session) is signed out everywhere.
    rate_limits.commit(
        rate_limits.reset_password(ip_address),
        user_repository.password_change(user_id, hash_password(new_password)),
        revocation,
    )


def delete_user(
    user_id: str,
    session_id: str,
    *,
    password: str | None,
    token: str | None,
    callback_url: str | None = None,
    ip_address: str | None = None,
) -> None:
    """Soft-delete the signed-in user and revoke all their sessions: two requests (one read, then the
    soft delete, the email's release and a new session epoch in one transaction, conditioned on the
    caller's session still living).

    A given password must be right; users with a password must give it (USER_ALREADY_HAS_PASSWORD);
    users without one need a session opened within the last day (SESSION_EXPIRED). Deletion links
    (``token``) are never sent by this API, so none is valid.
    """
    check_callback_url(callback_url, get_settings().trusted_origin_list)
    if token:
        raise errors.invalid_token()
    attempt = rate_limits.password_check(user_id, ip_address) if password is not None else None
    credential_key = user_repository.credential_key(user_id)
    session, seen, items = session_repository.caller_session(
        user_id,
        session_id,
        user_repository.profile_key(user_id),
        credential_key,
        *(attempt.keys() if attempt else []),
    )
    user = user_repository.live_user_in(items, user_id)
    if user is None:
        raise errors.unauthorized()
    account = items.get(credential_key)
    _, revocation = session_repository.revocation(user_id, seen=seen)
    if attempt is not None and password is not None:
        attempt.refuse_if_at_limit(items)
        verified = _check_current_password(attempt, account, password)
        try:
            user_repository.soft_delete(
                user, attempt.counted(), user_repository.credential_unchanged(user_id, verified), revocation
            )
        except NotFound:  # the password changed since it was verified (or the user went)
            raise errors.invalid_password() from None
        return
    if account is not None and account.password:
        raise BadRequest(
            "User already has a password. Provide that to delete the account.",
            code="USER_ALREADY_HAS_PASSWORD",
        )
    if utcnow() - session.created_at >= FRESH_AGE:
        raise errors.session_expired()
    user_repository.soft_delete(user, revocation)
