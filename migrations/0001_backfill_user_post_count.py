"""Backfill postCount on users who have none: the number of their live posts.

Users written before postCount was maintained lack it (PynamoDB then reads 0). The count comes from
the UserPosts index; the write is a compare-and-set on the postCount the migration read, so a post
created or deleted meanwhile (which ADDs to postCount) makes it read and count again instead of
overwriting. A rerun finds nothing to do: the scan only returns users still without postCount.
"""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.condition import Condition

from devtools.migrations import DataMigration, RawItem
from spooky.db.errors import is_condition_failure
from spooky.models import keys
from spooky.models.app import PostModel, UserModel

ATTEMPTS = 5


def live_post_count(user_id: str) -> int:
    posts = PostModel.gsi1sk.startswith(keys.POST_PREFIX)
    count: int = PostModel.user_posts.count(keys.user_pk(user_id), posts)
    return count


class Migration(DataMigration):
    model = UserModel

    def scan_filter(self) -> Condition | None:
        condition: Condition = (UserModel.sk == keys.PROFILE_SK) & UserModel.post_count.does_not_exist()
        return condition

    def needs_change(self, item: RawItem) -> bool:
        return item["sk"]["S"] == keys.PROFILE_SK and "postCount" not in item

    def apply(self, item: RawItem) -> bool:
        user_id = item["pk"]["S"].removeprefix(keys.user_pk(""))
        seen: int | None = None  # postCount as last read: None while the attribute is missing
        for _ in range(ATTEMPTS):
            unchanged = (
                UserModel.post_count.does_not_exist() if seen is None else (UserModel.post_count == seen)
            )
            try:
                UserModel(*UserModel.key(user_id)).update(
                    [UserModel.post_count.set(live_post_count(user_id))],
                    condition=UserModel.pk.exists() & unchanged,
                )
                return True
            except UpdateError as error:
                if not is_condition_failure(error):
                    raise
            try:
                current = UserModel.get(*UserModel.key(user_id), consistent_read=True)
            except DoesNotExist:
                return False  # purged meanwhile
            seen = int(current.post_count)
        raise RuntimeError(f"postCount of user {user_id} kept changing; rerun the migration")
