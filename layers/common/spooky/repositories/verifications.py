"""Verification tokens (Better Auth's verification table), stored under the hash of their identifier."""

from __future__ import annotations

from datetime import datetime

from pynamodb.constants import ALL_OLD
from pynamodb.exceptions import DeleteError

from spooky.clock import utcnow
from spooky.db.errors import is_condition_failure
from spooky.db.transactions import Part, Transaction
from spooky.ids import new_id
from spooky.models import keys
from spooky.models.auth import VerificationModel, expiring


def _new_item(identifier: str, value: str, expires_at: datetime, email: str | None) -> VerificationModel:
    return VerificationModel(
        keys.verification_pk(identifier),
        keys.VERIFICATION_SK,
        id=new_id(),
        value=value,
        email=email,
        **expiring(utcnow(), expires_at),
    )


def creation(identifier: str, value: str, expires_at: datetime, *, email: str | None = None) -> Part:
    """A transaction part storing a verification (written with the rate counters that allow it)."""

    def build(tx: Transaction) -> None:
        tx.put("verification", _new_item(identifier, value, expires_at, email))

    return Part(build)


def consume_verification(identifier: str) -> VerificationModel | None:
    """An unexpired verification, deleted as it is read: each token works once.

    One conditional DeleteItem that returns the deleted item: two concurrent uses of one token
    succeed at most once, and an expired one is refused (TTL removes it later).
    """
    connection = VerificationModel._get_connection()
    try:
        response = connection.delete_item(
            keys.verification_pk(identifier),
            keys.VERIFICATION_SK,
            condition=VerificationModel.pk.exists() & (VerificationModel.expires_at > utcnow()),
            return_values=ALL_OLD,
            return_consumed_capacity="INDEXES",
        )
    except DeleteError as error:
        if is_condition_failure(error):
            return None
        raise
    return VerificationModel.from_raw_data(response["Attributes"])
