"""The post aggregate (AppTable). A post belongs to its author; the author's postCount follows it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from spooky.clock import utcnow
from spooky.db.errors import is_condition_failure
from spooky.db.transactions import Transaction, TransactionCancelled, run_transaction
from spooky.errors import Forbidden, NotFound, PreconditionFailed
from spooky.ids import new_id
from spooky.models import keys
from spooky.models.app import PostModel, UserModel
from spooky.pagination import Page, decode_cursor, encode_cursor
from spooky.repositories._query import as_start_key, key_of, query_once
from spooky.repositories.timeline import timeline_page
from spooky.repositories.users import DELETION_GRACE, get_users, live_user_condition, user_update_actions
from spooky.request_context import stamp, stamp_actions
from spooky.schemas.posts import NewPost, PostChanges
from spooky.schemas.users import AuthorOut, UserChanges

_USER_POSTS_POSITION = ("pk", "sk", "gsi1pk", "gsi1sk")


@dataclass(frozen=True)
class PostWithAuthor:
    post: PostModel
    author: AuthorOut


@dataclass(frozen=True)
class AuthorPosts:
    """One page of a user's posts; every post on it has this author."""

    author: AuthorOut
    posts: list[PostModel]
    next_cursor: str | None


def _is_live(post: PostModel) -> bool:
    return post.deleted_at is None


def new_post_item(author_id: str, post: NewPost, now: datetime) -> PostModel:
    post_id = new_id()
    item = PostModel(
        *PostModel.key(post_id),
        id=post_id,
        name=post.name,
        content=post.content,
        created_by_id=author_id,
        created_at=now,
        updated_at=now,
        version=1,
        gsi1pk=keys.user_pk(author_id),
        gsi1sk=keys.user_post_sk(now, post_id),
        gsi2pk=keys.timeline_pk("POSTS", keys.shard_of(post_id)),
        gsi2sk=keys.timeline_sk(now, post_id),
    )
    return stamp(item)


def create_post(
    author_id: str,
    post: NewPost,
    author_changes: UserChanges | None = None,
    *,
    request_token: str | None = None,
) -> PostModel:
    """The seed's transaction: update the author and create the post, all or nothing.

    The author update increments postCount (and applies ``author_changes``, e.g. a new lastName)
    under the condition that the author exists and is not deleted: DynamoDB has no foreign keys,
    so this condition is what keeps posts from pointing at missing users.
    """
    now = utcnow()
    item = new_post_item(author_id, post, now)
    author = UserModel(*UserModel.key(author_id))

    def build(tx: Transaction) -> None:
        tx.update(
            "author",
            author,
            [*user_update_actions(author_changes, now), UserModel.post_count.add(1)],
            condition=live_user_condition(),
        )
        tx.put("post", item, condition=PostModel.pk.does_not_exist())

    try:
        run_transaction(build, request_token)
    except TransactionCancelled as cancelled:
        if cancelled.failed("author"):
            raise NotFound("Author not found") from None
        raise
    return item


def get_post(post_id: str) -> PostModel | None:
    try:
        post = PostModel.get(*PostModel.key(post_id))
    except DoesNotExist:
        return None
    return post if _is_live(post) else None


def _author_of(user: UserModel) -> AuthorOut:
    return AuthorOut(id=user.id, name=user.name, email=user.email)


def list_user_posts(user_id: str, cursor: str | None, limit: int) -> AuthorPosts:
    """The seed's paginated query: a user's posts newest first, each with the author's name and email.

    One Query per page, whatever the page number: the cursor holds the last key read (no offsets).
    The first page also reads the profile item (it sorts after the posts); its name and email ride
    along in the signed cursor, so later pages need no second request.
    """
    scope = f"user-posts:{user_id}"
    start = decode_cursor(scope, cursor) if cursor else None
    page = query_once(
        PostModel,
        keys.user_pk(user_id),
        PostModel.gsi1sk.between(keys.POST_PREFIX, keys.PROFILE_SK),
        index_name="UserPosts",
        # First page: the profile, the page, and one more to know whether a next page exists.
        limit=limit + (2 if start is None else 1),
        exclusive_start_key=as_start_key(start["position"]) if start else None,
    )
    raws = page.items
    if start is None:
        if not raws or raws[0]["sk"]["S"] != keys.PROFILE_SK:
            raise NotFound("User not found")
        author = _author_of(UserModel.from_raw_data(raws[0]))
        raws = raws[1:]
    else:
        author = AuthorOut.model_validate(start["author"])
    shown = raws[:limit]
    # One item beyond the page means more; so does a page DynamoDB cut short at 1 MB.
    more = len(raws) > limit or page.last_evaluated_key is not None
    next_cursor = None
    if more and shown:
        next_cursor = encode_cursor(
            scope, {"position": key_of(shown[-1], _USER_POSTS_POSITION), "author": author.model_dump()}
        )
    return AuthorPosts(author, [PostModel.from_raw_data(raw) for raw in shown], next_cursor)


def feed(cursor: str | None, limit: int) -> Page[PostWithAuthor]:
    """The global feed, newest first: the Timeline shards merged, then the authors in one BatchGetItem."""
    raws, next_cursor = timeline_page(PostModel, "POSTS", cursor, limit)
    posts = [PostModel.from_raw_data(raw) for raw in raws]
    authors = get_users(sorted({post.created_by_id for post in posts}), ["name", "email"])
    # Posts of deleted authors leave the feed at once; the purge removes them for good.
    return Page(
        [
            PostWithAuthor(post, _author_of(authors[post.created_by_id]))
            for post in posts
            if post.created_by_id in authors
        ],
        next_cursor,
    )


def _owned_live_post_condition(author_id: str, expected_version: int | None) -> Condition:
    condition: Condition = (
        PostModel.pk.exists() & PostModel.deleted_at.does_not_exist() & (PostModel.created_by_id == author_id)
    )
    if expected_version is not None:
        condition &= PostModel.version == expected_version
    return condition


def _explain_failure(post_id: str, author_id: str, expected_version: int | None) -> Exception:
    """Why a conditional write on a post failed; costs one read, and only on the failure path."""
    current = get_post(post_id)
    if current is None:
        return NotFound("Post not found")
    if current.created_by_id != author_id:
        return Forbidden("Only the author can change this post")
    if expected_version is not None and current.version != expected_version:
        return PreconditionFailed(f"The post is at version {current.version}, not {expected_version}")
    return NotFound("Post not found")


def update_post(
    post_id: str, author_id: str, changes: PostChanges, expected_version: int | None
) -> PostModel:
    """Edit a post; with ``expected_version`` the edit only applies to that version (If-Match)."""
    fields = changes.model_dump(exclude_unset=True)
    actions: list[Action] = [PostModel.updated_at.set(utcnow()), PostModel.version.add(1), *stamp_actions()]
    if "name" in fields and fields["name"] is not None:
        actions.append(PostModel.name.set(fields["name"]))
    if "content" in fields:
        content = fields["content"]
        actions.append(PostModel.content.set(content) if content is not None else PostModel.content.remove())
    post = PostModel(*PostModel.key(post_id))
    try:
        post.update(actions, condition=_owned_live_post_condition(author_id, expected_version))
    except UpdateError as error:
        if is_condition_failure(error):
            raise _explain_failure(post_id, author_id, expected_version) from None
        raise
    return post


def delete_post(post_id: str, author_id: str, expected_version: int | None) -> None:
    """Soft delete: the post leaves every index at once, the author's postCount drops, atomically.

    TTL purges the item after the grace period; until then an operator can restore it.
    """
    now = utcnow()
    post = PostModel(*PostModel.key(post_id))
    author = UserModel(*UserModel.key(author_id))

    def build(tx: Transaction) -> None:
        tx.update(
            "post",
            post,
            [
                PostModel.deleted_at.set(now),
                PostModel.updated_at.set(now),
                PostModel.ttl.set(now + DELETION_GRACE),
                PostModel.version.add(1),
                *stamp_actions(),
                PostModel.gsi1pk.remove(),
                PostModel.gsi1sk.remove(),
                PostModel.gsi2pk.remove(),
                PostModel.gsi2sk.remove(),
            ],
            condition=_owned_live_post_condition(author_id, expected_version),
        )
        tx.update("author", author, [UserModel.post_count.add(-1)], condition=UserModel.pk.exists())

    try:
        run_transaction(build)
    except TransactionCancelled as cancelled:
        if cancelled.failed("post"):
            raise _explain_failure(post_id, author_id, expected_version) from None
        raise NotFound("Author not found") from None
