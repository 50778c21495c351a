"""update-user: the profile fields a user may change about themselves."""

from __future__ import annotations

from spooky.errors import BadRequest
from spooky.repositories import users as user_repository
from spooky.schemas.auth.profile import UpdateUserBody
from spooky.schemas.common import require_changes
from spooky.schemas.users import UserChanges, UserOut
from spooky.services.mapping import to_user_out


def update_user(user_id: str, changes: UpdateUserBody) -> UserOut:
    """Apply name/image/firstName/lastName changes; email is immutable here, as in Better Auth."""
    if changes.email is not None:
        raise BadRequest("Email can not be updated", code="EMAIL_CAN_NOT_BE_UPDATED")
    # "email": null asks for nothing (Better Auth ignores it too): only profile fields go on.
    profile = UserChanges.model_validate(changes.model_dump(exclude={"email"}, exclude_unset=True))
    require_changes(profile)
    return to_user_out(user_repository.update_user(user_id, profile))
