"""The user aggregate: profile item, email claim and credential account (AppTable)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from spooky.clock import utcnow
from spooky.db.batch import ItemKey, Items, batch_get
from spooky.db.errors import is_condition_failure
from spooky.db.transactions import Part, Transaction, write_together
from spooky.errors import AlreadyExists, Conflict, NotFound
from spooky.ids import new_id
from spooky.models import keys
from spooky.models.app import AccountModel, EmailClaimModel, PostModel, UserModel
from spooky.repositories._query import query_once
from spooky.repositories.deleted_authors import pending_entry
from spooky.request_context import stamp, stamp_actions

if TYPE_CHECKING:  # annotations only: the stream jobs use this module without any wire schema
    from spooky.schemas.users import NewUser, UserChanges

CREDENTIAL_PROVIDER = "credential"
# How long a soft-deleted account can be restored before its data is purged (docs/operations.md).
DELETION_GRACE = timedelta(days=30)


class EmailTaken(AlreadyExists):
    # Better Auth's code for a duplicate sign-up (422).
    code = "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"


class _ClaimNotHeld(Conflict):
    """The user's email claim is missing or someone else's (data older than claims)."""

    def __init__(self) -> None:
        super().__init__("The email claim is not the user's")


def is_live(user: UserModel) -> bool:
    return user.deleted_at is None


def new_user_item(user: NewUser, now: datetime) -> UserModel:
    user_id = new_id()
    item = UserModel(
        *UserModel.key(user_id),
        id=user_id,
        name=user.name,
        email=user.email,
        email_verified=False,
        image=user.image,
        first_name=user.first_name,
        last_name=user.last_name,
        post_count=0,
        **UserModel.first_version(
            now,
            gsi1=(keys.user_pk(user_id), keys.PROFILE_SK),
            gsi2=keys.timeline_key(keys.USERS_TIMELINE, now, user_id),
        ),
    )
    return stamp(item)


def creation(item: UserModel, password_hash: str | None) -> Part:
    """Store a new user (``new_user_item``), claim their email (case-insensitively unique) and store
    the credential: a transaction part, so sign-up opens the first session in the same request.

    Fails with EmailTaken when another user holds the email, even under concurrent sign-ups.
    """
    now = item.created_at
    claim = EmailClaimModel(
        *EmailClaimModel.key(item.email), user_id=item.id, email_verified=False, created_at=now
    )
    account = AccountModel(
        *AccountModel.key(item.id, CREDENTIAL_PROVIDER, item.id),
        id=new_id(),
        account_id=item.id,
        provider_id=CREDENTIAL_PROVIDER,
        user_id=item.id,
        password=password_hash,
        created_at=now,
        updated_at=now,
    )

    def build(tx: Transaction) -> None:
        tx.put("email", stamp(claim), condition=EmailClaimModel.pk.does_not_exist())
        tx.put("user", item, condition=UserModel.pk.does_not_exist())
        tx.put("account", stamp(account), condition=AccountModel.pk.does_not_exist())

    return Part(build, {"email": EmailTaken("User already exists. Use another email.")})


def profile_key(user_id: str) -> ItemKey[UserModel]:
    return ItemKey(UserModel, *UserModel.key(user_id))


def credential_key(user_id: str) -> ItemKey[AccountModel]:
    return ItemKey(AccountModel, *AccountModel.key(user_id, CREDENTIAL_PROVIDER, user_id))


def email_claim_key(email: str) -> ItemKey[EmailClaimModel]:
    return ItemKey(EmailClaimModel, *EmailClaimModel.key(email))


def live_user_in(items: Items, user_id: str) -> UserModel | None:
    """The user read with ``profile_key``, if live."""
    user = items.get(profile_key(user_id))
    return user if user is not None and is_live(user) else None


def get_user(
    user_id: str, attributes: Sequence[str] | None = None, *, consistent: bool = False
) -> UserModel | None:
    """A live (not soft-deleted) user; ``attributes`` projects DynamoDB attribute names."""
    projection = list({*attributes, "deletedAt"}) if attributes else None
    try:
        user = UserModel.get(
            *UserModel.key(user_id), consistent_read=consistent, attributes_to_get=projection
        )
    except DoesNotExist:
        return None
    return user if is_live(user) else None


def get_users(user_ids: Sequence[str], attributes: Sequence[str] | None = None) -> dict[str, UserModel]:
    """Live users by id, in one BatchGetItem per 100 ids."""
    projection = [*attributes, "id", "deletedAt"] if attributes else None
    users = batch_get(UserModel, [UserModel.key(user_id) for user_id in user_ids], projection)
    return {user.id: user for user in users if is_live(user)}


def find_email_claim(email: str) -> EmailClaimModel | None:
    """The claim of ``email`` (already normalised): who holds it. A strongly consistent GetItem."""
    try:
        return EmailClaimModel.get(*EmailClaimModel.key(email), consistent_read=True)
    except DoesNotExist:
        return None


def live_check(user_id: str) -> Part:
    """A transaction part: the user exists and is not deleted (else NotFound)."""

    def build(tx: Transaction) -> None:
        tx.check("user", UserModel, *UserModel.key(user_id), condition=live_user_condition())

    return Part(build, {"user": NotFound("User not found")})


def _password_condition(password_hash: str | None) -> Condition:
    condition: Condition = AccountModel.pk.exists()
    return condition if password_hash is None else condition & (AccountModel.password == password_hash)


def credential_unchanged(user_id: str, password_hash: str) -> Part:
    """A transaction part: the user's password is still ``password_hash`` (else NotFound): a write
    decided on a verified password does not outlive a concurrent change of it."""

    def build(tx: Transaction) -> None:
        key = credential_key(user_id)
        condition = _password_condition(password_hash)
        tx.check("credential", AccountModel, key.hash_key, key.range_key, condition=condition)

    return Part(build, {"credential": NotFound("User not found")})


def password_change(user_id: str, password_hash: str, *, current_hash: str | None = None) -> Part:
    """A transaction part setting the password; with ``current_hash``, only while that is the
    password (else NotFound)."""

    def build(tx: Transaction) -> None:
        account = AccountModel(*AccountModel.key(user_id, CREDENTIAL_PROVIDER, user_id))
        actions = [
            AccountModel.password.set(password_hash),
            AccountModel.updated_at.set(utcnow()),
            *stamp_actions(),
        ]
        tx.update("credential", account, actions, condition=_password_condition(current_hash))

    return Part(build, {"credential": NotFound("User not found")})


def claim_held(email: str, user_id: str) -> Part:
    """A transaction part: ``email`` is still claimed by the user (not deleted or released since)."""

    def build(tx: Transaction) -> None:
        condition = EmailClaimModel.user_id == user_id
        tx.check("email", EmailClaimModel, *EmailClaimModel.key(email), condition=condition)

    return Part(build, {"email": NotFound("User not found")})


def get_profile(user_id: str, post_limit: int = 10) -> tuple[UserModel, list[PostModel]]:
    """The specification's "user with their 10 newest posts": one Query of the UserPosts index.

    The profile item's sort key (PROFILE) sorts right after every POST#... key, so a descending
    query between the two returns the profile first, then the newest posts.
    """
    page = query_once(
        UserModel,
        keys.user_pk(user_id),
        UserModel.gsi1sk.between(keys.POST_PREFIX, keys.PROFILE_SK),
        index_name="UserPosts",
        limit=post_limit + 1,
    )
    if not page.items or page.items[0]["sk"]["S"] != keys.PROFILE_SK:
        raise NotFound("User not found")
    user = UserModel.from_raw_data(page.items[0])
    return user, [PostModel.from_raw_data(raw) for raw in page.items[1:]]


def _changes_to_actions(changes: UserChanges) -> list[Action]:
    fields = changes.model_dump(exclude_unset=True)
    attribute = {
        "name": UserModel.name,
        "image": UserModel.image,
        "first_name": UserModel.first_name,
        "last_name": UserModel.last_name,
    }
    return [
        attribute[name].set(value) if value is not None else attribute[name].remove()
        for name, value in fields.items()
    ]


def user_update_actions(changes: UserChanges | None, now: datetime) -> list[Action]:
    """SET/REMOVE actions for a profile change, plus the bookkeeping every user write does."""
    actions = _changes_to_actions(changes) if changes else []
    return [*actions, UserModel.updated_at.set(now), UserModel.version.add(1), *stamp_actions()]


def live_user_condition() -> Condition:
    condition: Condition = UserModel.pk.exists() & UserModel.deleted_at.does_not_exist()
    return condition


def _update_live_user(user_id: str, actions: list[Action]) -> UserModel:
    """One UpdateItem on a live user (ReturnValues=ALL_NEW); NotFound if it is missing or deleted.

    The bookkeeping of every user write (updatedAt, version) is added here.
    """
    now = utcnow()
    user = UserModel(*UserModel.key(user_id))
    try:
        user.update([*actions, *user_update_actions(None, now)], condition=live_user_condition())
    except UpdateError as error:
        if is_condition_failure(error):
            raise NotFound("User not found") from None
        raise
    return user


def update_user(user_id: str, changes: UserChanges) -> UserModel:
    """Apply profile changes; returns the updated user."""
    return _update_live_user(user_id, _changes_to_actions(changes))


def unverified_check(user_id: str) -> Part:
    """A transaction part: the user is live and their email not yet verified (else NotFound)."""

    def build(tx: Transaction) -> None:
        condition = live_user_condition() & (UserModel.email_verified == False)  # noqa: E712
        tx.check("user", UserModel, *UserModel.key(user_id), condition=condition)

    return Part(build, {"user": NotFound("User not found")})


def _email_verification(user_id: str, email: str | None) -> Part:
    def build(tx: Transaction) -> None:
        now = utcnow()
        user = UserModel(*UserModel.key(user_id))
        actions = [UserModel.email_verified.set(True), *user_update_actions(None, now)]
        tx.update("user", user, actions, condition=live_user_condition())
        if email is not None:
            claim = EmailClaimModel(*EmailClaimModel.key(email))
            claim_actions = [EmailClaimModel.email_verified.set(True), *stamp_actions()]
            tx.update("email", claim, claim_actions, condition=EmailClaimModel.user_id == user_id)

    return Part(build, {"user": NotFound("User not found"), "email": _ClaimNotHeld()})


def mark_email_verified(user_id: str, email: str | None) -> None:
    """Mark the user's email verified, and the copy on the claim of ``email`` (one transaction);
    NotFound when the user is gone."""
    try:
        write_together(_email_verification(user_id, email))
    except _ClaimNotHeld:
        # A user without a claim of their own (data older than claims): the user alone.
        write_together(_email_verification(user_id, None))


def _soft_delete_actions(now: datetime) -> list[Action]:
    # Removing the index keys takes the profile out of both indexes in the same write.
    return [
        UserModel.deleted_at.set(now),
        UserModel.ttl.set(now + DELETION_GRACE),
        UserModel.gsi1pk.remove(),
        UserModel.gsi1sk.remove(),
        UserModel.gsi2pk.remove(),
        UserModel.gsi2sk.remove(),
        *user_update_actions(None, now),
    ]


def _soft_deletion(user_id: str, email: str, now: datetime, *, release_email: bool) -> Part:
    def build(tx: Transaction) -> None:
        profile = UserModel(*UserModel.key(user_id))
        # The claim released is the one of the email read: no email change can slip in between.
        condition = live_user_condition() & (UserModel.email == email)
        tx.update("user", profile, _soft_delete_actions(now), condition=condition)
        # The feed hides the user's posts from this write on, until they are retired from its index.
        tx.put("feed", pending_entry(user_id, now))
        if release_email:
            claim = EmailClaimModel(*EmailClaimModel.key(email))
            tx.delete("email", claim, condition=EmailClaimModel.user_id == user_id)

    return Part(build, {"user": NotFound("User not found"), "email": _ClaimNotHeld()})


def soft_delete(user: UserModel, *also: Part) -> datetime:
    """Hide the user from every read path and release their email now, in one transaction with
    ``also`` (parts earlier in the list win on failure); TTL purges the profile later.

    Returns the deletion time. The email claim is deleted in the same transaction, so from then on
    the address answers like one never used: sign-in fails as for any unknown email, and sign-up
    creates a new, independent account (the old one can then no longer be restored under it).
    Raises NotFound when the user is missing, already deleted, or no longer has ``user.email``.
    """
    now = utcnow()
    try:
        write_together(*also, _soft_deletion(user.id, user.email, now, release_email=True))
    except _ClaimNotHeld:
        # A user without a claim of their own (data older than claims) is deleted all the same.
        write_together(*also, _soft_deletion(user.id, user.email, now, release_email=False))
    return now
