"""The user aggregate: profile item, email claim and credential account (AppTable)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from spooky.clock import utcnow
from spooky.db.batch import batch_get, get_items_consistently
from spooky.db.errors import is_condition_failure
from spooky.db.transactions import Transaction, TransactionCancelled, run_transaction
from spooky.errors import AlreadyExists, NotFound
from spooky.ids import new_id
from spooky.models import keys
from spooky.models.app import AccountModel, EmailClaimModel, PostModel, UserModel
from spooky.repositories._query import query_once
from spooky.repositories.deleted_authors import pending_entry
from spooky.request_context import stamp, stamp_actions
from spooky.schemas.users import NewUser, UserChanges

CREDENTIAL_PROVIDER = "credential"
# How long a soft-deleted account can be restored before its data is purged (docs/operations.md).
DELETION_GRACE = timedelta(days=30)


class EmailTaken(AlreadyExists):
    # Better Auth's code for a duplicate sign-up (422).
    code = "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL"


def is_live(user: UserModel) -> bool:
    return user.deleted_at is None


def new_user_item(user: NewUser, now: datetime) -> UserModel:
    user_id = new_id()
    gsi2pk, gsi2sk = keys.timeline_key(keys.USERS_TIMELINE, now, user_id)
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
        created_at=now,
        updated_at=now,
        version=1,
        gsi1pk=keys.user_pk(user_id),
        gsi1sk=keys.PROFILE_SK,
        gsi2pk=gsi2pk,
        gsi2sk=gsi2sk,
    )
    return stamp(item)


def create_user(user: NewUser, password_hash: str | None, *, request_token: str | None = None) -> UserModel:
    """Create the user, claim the email (case-insensitively unique) and store the credential, atomically.

    Raises EmailTaken when another user holds the email, even under concurrent sign-ups.
    """
    now = utcnow()
    item = new_user_item(user, now)
    claim = stamp(EmailClaimModel(*EmailClaimModel.key(user.email), user_id=item.id, created_at=now))
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
    stamp(account)

    def build(tx: Transaction) -> None:
        tx.put("email", claim, condition=EmailClaimModel.pk.does_not_exist())
        tx.put("user", item, condition=UserModel.pk.does_not_exist())
        tx.put("account", account, condition=AccountModel.pk.does_not_exist())

    run_transaction(
        build, request_token, on_failed={"email": EmailTaken("User already exists. Use another email.")}
    )
    return item


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


def find_user_id_by_email(email: str) -> str | None:
    """The id of the user holding ``email`` (already normalised): a strongly consistent GetItem."""
    try:
        claim = EmailClaimModel.get(*EmailClaimModel.key(email), consistent_read=True)
    except DoesNotExist:
        return None
    return claim.user_id


def get_credential(user_id: str) -> AccountModel | None:
    try:
        return AccountModel.get(
            *AccountModel.key(user_id, CREDENTIAL_PROVIDER, user_id), consistent_read=True
        )
    except DoesNotExist:
        return None


def get_user_and_credential(user_id: str) -> tuple[UserModel | None, AccountModel | None]:
    """The live user and their credential account, in one strongly consistent BatchGetItem."""
    user, account = get_items_consistently(
        [
            (UserModel, UserModel.key(user_id)),
            (AccountModel, AccountModel.key(user_id, CREDENTIAL_PROVIDER, user_id)),
        ]
    )
    live = user if isinstance(user, UserModel) and is_live(user) else None
    return live, account if isinstance(account, AccountModel) else None


def credential_check(user_id: str, password_hash: str) -> tuple[type[AccountModel], str, str, Condition]:
    """A transaction condition: the user's password is still ``password_hash``."""
    key = AccountModel.key(user_id, CREDENTIAL_PROVIDER, user_id)
    return AccountModel, *key, AccountModel.password == password_hash


def set_password(user_id: str, password_hash: str) -> None:
    account = AccountModel(*AccountModel.key(user_id, CREDENTIAL_PROVIDER, user_id))
    account.update(
        [AccountModel.password.set(password_hash), AccountModel.updated_at.set(utcnow()), *stamp_actions()],
        condition=AccountModel.pk.exists(),
    )


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


def mark_email_verified(user_id: str) -> UserModel:
    return _update_live_user(user_id, [UserModel.email_verified.set(True)])


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


def _soft_delete(user_id: str, email: str, now: datetime, *, release_email: bool) -> bool:
    """One transaction; False (nothing written) when the email's claim is missing or not the user's."""

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

    try:
        run_transaction(build, on_failed={"user": NotFound("User not found")})
    except TransactionCancelled as cancelled:
        if release_email and cancelled.failed("email"):
            return False
        raise
    return True


def soft_delete_user(user_id: str) -> datetime:
    """Hide the user from every read path and release their email now; TTL purges the profile later.

    Returns the deletion time. The email claim is deleted in the same transaction, so from then on
    the address answers like one never used: sign-in fails as for any unknown email, and sign-up
    creates a new, independent account (the old one can then no longer be restored under it).
    Raises NotFound when the user is missing or already deleted.
    """
    user = get_user(user_id, ["email"], consistent=True)
    if user is None:
        raise NotFound("User not found")
    now = utcnow()
    # A user without a claim of their own (data older than claims) is deleted all the same.
    if not _soft_delete(user_id, user.email, now, release_email=True):
        _soft_delete(user_id, user.email, now, release_email=False)
    return now
