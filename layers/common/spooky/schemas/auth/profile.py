"""update-user."""

from spooky.schemas.users import UserChanges


class UpdateUserBody(UserChanges):
    # Accepted only to refuse it with Better Auth's EMAIL_CAN_NOT_BE_UPDATED.
    email: str | None = None
