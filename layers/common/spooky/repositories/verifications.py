"""Verification tokens (Better Auth's verification table), stored under the hash of their identifier."""

from __future__ import annotations

from datetime import datetime

from pynamodb.exceptions import DeleteError, DoesNotExist

from spooky.clock import utcnow
from spooky.db.errors import is_condition_failure
from spooky.ids import new_id
from spooky.models import keys
from spooky.models.auth import VerificationModel


def create_verification(identifier: str, value: str, expires_at: datetime) -> None:
    now = utcnow()
    VerificationModel(
        keys.verification_pk(identifier),
        keys.VERIFICATION_SK,
        id=new_id(),
        value=value,
        expires_at=expires_at,
        created_at=now,
        updated_at=now,
        ttl=expires_at,
    ).save()


def consume_verification(identifier: str) -> str | None:
    """The value of an unexpired verification, deleted as it is read: each token works once."""
    key = (keys.verification_pk(identifier), keys.VERIFICATION_SK)
    try:
        verification = VerificationModel.get(*key, consistent_read=True)
    except DoesNotExist:
        return None
    if verification.expires_at <= utcnow():
        return None
    try:
        # The condition makes two concurrent uses of one token succeed at most once.
        VerificationModel(*key).delete(condition=VerificationModel.pk.exists())
    except DeleteError as error:
        if is_condition_failure(error):
            return None
        raise
    return verification.value
