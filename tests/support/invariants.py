"""The data store's invariants, checked by scanning the AppTable and AuthTable (test tooling only).

DynamoDB has no foreign keys, unique constraints or counters of its own: the repositories keep them
with conditional transactions. After a fuzz run, a soak or any write-heavy test, ``check_invariants``
proves that they held: every uniqueness claim matches its user, every counter matches what it counts,
nothing points at a missing item and no item is half-written. A Scan is fine here, never in a request.

The item shapes come from the PynamoDB models and the key builders (spooky.models), so the check
follows the data model instead of restating it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
from pynamodb.attributes import Attribute

from spooky.clock import utcnow
from spooky.models import keys
from spooky.models.app import AccountModel, DeletedAuthorModel, EmailClaimModel, PostModel, UserModel
from spooky.models.auth import RateLimitModel, SessionEpochModel, SessionModel, VerificationModel
from spooky.models.base import KeyedModel
from spooky.repositories.users import CREDENTIAL_PROVIDER
from spooky.settings import get_settings

RawItem = dict[str, Any]
ItemKey = tuple[str, str, str]
INDEX_KEYS = ("gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk")
# Operational records that are not part of the domain (devtools/migrations.py keeps its progress here).
OPERATIONAL_PREFIXES = ("MIGRATION#",)


@dataclass
class Report:
    """How many items of each kind were checked, and every broken invariant, one sentence each."""

    checked: Counter[str] = field(default_factory=Counter)
    violations: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations

    def __str__(self) -> str:
        counts = ", ".join(f"{count} {kind}" for kind, count in sorted(self.checked.items()))
        if self.ok:
            return f"invariants hold over {counts}"
        listed = "\n  ".join(self.violations[:50])
        more = f"\n  ... and {len(self.violations) - 50} more" if len(self.violations) > 50 else ""
        return f"{len(self.violations)} violations over {counts}:\n  {listed}{more}"


@dataclass
class _Items:
    users: dict[str, UserModel] = field(default_factory=dict)
    claims: list[EmailClaimModel] = field(default_factory=list)
    accounts: list[AccountModel] = field(default_factory=list)
    posts: list[PostModel] = field(default_factory=list)
    sessions: list[SessionModel] = field(default_factory=list)
    verifications: list[VerificationModel] = field(default_factory=list)
    deleted_authors: list[DeletedAuthorModel] = field(default_factory=list)


def dynamodb_client() -> Any:
    """A plain client on the tables the models use (for items no model would write)."""
    settings = get_settings()
    return boto3.client(
        "dynamodb", endpoint_url=settings.dynamodb_endpoint_url, region_name=settings.aws_region
    )


def _scan(table_name: str) -> Iterator[RawItem]:
    paginator = dynamodb_client().get_paginator("scan")
    for page in paginator.paginate(TableName=table_name, ConsistentRead=True):
        yield from page["Items"]


def snapshot(table_names: dict[str, str]) -> dict[ItemKey, RawItem]:
    """Every item a request could write, by (table, pk, sk): compare two to prove nothing changed.

    Rate-limit counters are left out: they count refused attempts too, by design.
    """
    items: dict[ItemKey, RawItem] = {}
    for logical_id in ("AppTable", "AuthTable", "IdempotencyTable"):
        for raw in _scan(table_names[logical_id]):
            # The idempotency table has Powertools' key schema: a hash key named id.
            key = (
                (raw["id"]["S"], "") if logical_id == "IdempotencyTable" else (raw["pk"]["S"], raw["sk"]["S"])
            )
            if not key[0].startswith("RATE#"):
                items[(logical_id, *key)] = raw
    return items


def _missing_attributes(model: type[KeyedModel], raw: RawItem) -> list[str]:
    attributes: dict[str, Attribute[Any]] = model.get_attributes()
    return sorted(
        attr.attr_name for attr in attributes.values() if not attr.null and attr.attr_name not in raw
    )


def _kind(pk: str, sk: str) -> type[KeyedModel] | None:
    by_sort_key: dict[str, type[KeyedModel]] = {
        keys.PROFILE_SK: UserModel,
        keys.EMAIL_SK: EmailClaimModel,
        keys.POST_SK: PostModel,
        keys.VERIFICATION_SK: VerificationModel,
    }
    if sk in by_sort_key:
        return by_sort_key[sk]
    if pk.startswith("USER#") and sk.startswith("ACCOUNT#"):
        return AccountModel
    if pk.startswith("USER#") and sk == keys.SESSION_EPOCH_SK:
        return SessionEpochModel
    if pk.startswith("USER#") and sk.startswith(keys.SESSION_PREFIX):
        return SessionModel
    if pk.startswith("RATE#"):
        return RateLimitModel
    if pk == keys.DELETED_AUTHORS_PK:
        return DeletedAuthorModel
    return None


def _load(table_names: dict[str, str], report: Report) -> _Items:
    """Every item of both tables as its model; unknown and half-written items become violations."""
    items = _Items()
    for logical_id in ("AppTable", "AuthTable"):
        for raw in _scan(table_names[logical_id]):
            pk, sk = raw["pk"]["S"], raw["sk"]["S"]
            if pk.startswith(OPERATIONAL_PREFIXES):
                continue
            model = _kind(pk, sk)
            if model is None:
                report.violations.append(f"{logical_id} item {pk} / {sk} is of no known kind")
                continue
            report.checked[model.__name__.removesuffix("Model")] += 1
            missing = _missing_attributes(model, raw)
            if missing:
                report.violations.append(f"{pk} / {sk} is half-written: no {', '.join(missing)}")
                continue
            item = model.from_raw_data(raw)
            if isinstance(item, UserModel):
                items.users[item.id] = item
            elif isinstance(item, EmailClaimModel):
                items.claims.append(item)
            elif isinstance(item, AccountModel):
                items.accounts.append(item)
            elif isinstance(item, PostModel):
                items.posts.append(item)
            elif isinstance(item, SessionModel):
                items.sessions.append(item)
            elif isinstance(item, VerificationModel):
                items.verifications.append(item)
            elif isinstance(item, DeletedAuthorModel):
                items.deleted_authors.append(item)
    return items


def _index_keys(item: UserModel | PostModel) -> dict[str, str | None]:
    return {name: getattr(item, name) for name in INDEX_KEYS}


def _timeline_keys(kind: str, item: UserModel | PostModel) -> dict[str, str]:
    gsi2pk, gsi2sk = keys.timeline_key(kind, item.created_at, item.id)
    return {"gsi2pk": gsi2pk, "gsi2sk": gsi2sk}


def _check_users(items: _Items, report: Report) -> None:
    claims_by_user = Counter(claim.user_id for claim in items.claims)
    accounts = {(account.pk, account.sk) for account in items.accounts}
    live_posts = Counter(post.created_by_id for post in items.posts if post.deleted_at is None)
    for user in items.users.values():
        where = f"user {user.id}"
        if user.pk != keys.user_pk(user.id):
            report.violations.append(f"{where} is stored under {user.pk}")
        if user.deleted_at is None:
            expected = {
                "gsi1pk": keys.user_pk(user.id),
                "gsi1sk": keys.PROFILE_SK,
                **dict(
                    zip(
                        ("gsi2pk", "gsi2sk"),
                        keys.timeline_key("USERS", user.created_at, user.id),
                        strict=True,
                    )
                ),
            }
            if _index_keys(user) != expected:
                report.violations.append(f"{where} is live with index keys {_index_keys(user)}")
            if claims_by_user[user.id] != 1:
                report.violations.append(f"{where} is live with {claims_by_user[user.id]} email claims")
        else:
            if any(_index_keys(user).values()) or user.ttl is None:
                report.violations.append(f"{where} is soft-deleted but still indexed or without a TTL")
            if claims_by_user[user.id] > 1:
                report.violations.append(f"{where} holds {claims_by_user[user.id]} email claims")
        if AccountModel.key(user.id, CREDENTIAL_PROVIDER, user.id) not in accounts:
            report.violations.append(f"{where} has no credential account (written with it at sign-up)")
        if user.post_count != live_posts[user.id]:
            report.violations.append(
                f"{where} has postCount {user.post_count} but {live_posts[user.id]} live posts"
            )


def _check_claims_and_accounts(items: _Items, report: Report) -> None:
    for claim in items.claims:
        owner = items.users.get(claim.user_id)
        if owner is None:
            report.violations.append(f"email claim {claim.pk} points to missing user {claim.user_id}")
        elif claim.pk != keys.email_pk(owner.email):
            report.violations.append(
                f"email claim {claim.pk} points to {owner.id} whose email is {owner.email}"
            )
        elif claim.email_verified and not owner.email_verified:
            report.violations.append(f"email claim {claim.pk} says verified, its user {owner.id} does not")
    for account in items.accounts:
        if account.user_id not in items.users:
            report.violations.append(f"account {account.pk} / {account.sk} belongs to missing user")
        elif (account.pk, account.sk) != AccountModel.key(
            account.user_id, account.provider_id, account.account_id
        ):
            report.violations.append(f"account {account.pk} / {account.sk} disagrees with its attributes")


def _check_posts(items: _Items, report: Report) -> None:
    for post in items.posts:
        where = f"post {post.id}"
        if post.pk != keys.post_pk(post.id):
            report.violations.append(f"{where} is stored under {post.pk}")
        if post.deleted_at is not None:
            if any(_index_keys(post).values()) or post.ttl is None:
                report.violations.append(f"{where} is soft-deleted but still indexed or without a TTL")
            continue
        if post.created_by_id not in items.users:
            report.violations.append(f"{where} is live but its author {post.created_by_id} does not exist")
        expected = {
            "gsi1pk": keys.user_pk(post.created_by_id),
            "gsi1sk": keys.user_post_sk(post.created_at, post.id),
            **dict(
                zip(("gsi2pk", "gsi2sk"), keys.timeline_key("POSTS", post.created_at, post.id), strict=True)
            ),
        }
        if _index_keys(post) != expected:
            report.violations.append(f"{where} is live with index keys {_index_keys(post)}")
        if post.author_name is None or post.author_email is None:
            report.violations.append(f"{where} is on the feed without a copy of its author")


def _check_auth_items(items: _Items, report: Report) -> None:
    now = utcnow()
    for session in items.sessions:
        user = items.users.get(session.user_id)
        where = f"session {session.id}"
        if user is None:
            report.violations.append(f"{where} belongs to missing user {session.user_id}")
        elif user.deleted_at is not None and session.expires_at > now:
            report.violations.append(f"{where} is still active for deleted user {user.id}")
        if session.pk != keys.user_pk(session.user_id):
            report.violations.append(f"{where} is stored under {session.pk}")
    for verification in items.verifications:
        if verification.value not in items.users:
            report.violations.append(
                f"verification {verification.id} names missing user {verification.value}"
            )


def _check_deleted_authors(items: _Items, report: Report) -> None:
    """The feed hides the users listed: each entry names a soft-deleted user (or one already purged),
    under the key its user and end make."""
    for entry in items.deleted_authors:
        user = items.users.get(entry.user_id)
        if user is not None and user.deleted_at is None:
            report.violations.append(f"deleted-author entry {entry.sk} hides live user {entry.user_id}")
        if keys.deleted_author_id(entry.sk) != entry.user_id:
            report.violations.append(f"deleted-author entry {entry.sk} names user {entry.user_id}")


def check_invariants(table_names: dict[str, str]) -> Report:
    """Scan ``table_names`` (logical id -> name, as devtools.tables.create_tables returns) and check them."""
    report = Report()
    items = _load(table_names, report)
    _check_users(items, report)
    _check_claims_and_accounts(items, report)
    _check_posts(items, report)
    _check_auth_items(items, report)
    _check_deleted_authors(items, report)
    return report
