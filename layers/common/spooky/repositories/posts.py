"""The post aggregate (AppTable). A post belongs to its author; the author's postCount follows it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Future, wait
from datetime import datetime
from functools import partial
from typing import NamedTuple

from pynamodb.exceptions import DoesNotExist
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action

from spooky.clock import utcnow
from spooky.db.batch import batch_get
from spooky.db.transactions import Transaction, TransactionCancelled, run_transaction
from spooky.errors import Conflict, Forbidden, NotFound, PreconditionFailed, Unauthorized
from spooky.ids import new_id
from spooky.models import keys
from spooky.models.app import PostModel, UserModel
from spooky.pagination import Page, decode_cursor, encode_cursor
from spooky.repositories._concurrent import in_background, in_parallel
from spooky.repositories._query import RawItem, as_start_key, key_of, query_once
from spooky.repositories.deleted_authors import hidden_author_ids
from spooky.repositories.timeline import timeline_page
from spooky.repositories.users import DELETION_GRACE, get_user, live_user_condition, user_update_actions
from spooky.request_context import stamp, stamp_actions
from spooky.schemas.posts import NewPost, PostChanges
from spooky.schemas.users import UserChanges

_USER_POSTS_POSITION = ("pk", "sk", "gsi1pk", "gsi1sk")
# What a listing shows of an author (DynamoDB attribute names).
_AUTHOR_ATTRIBUTES = ("id", "name", "email", "deletedAt")
# A post's copy of its author (DynamoDB attribute names; PostModel.author_name, author_email).
_COPY_ATTRIBUTES = ("authorName", "authorEmail")
# Times create_post writes the post again after a rename changed the author under it.
_COPY_ATTEMPTS = 3


class Author(NamedTuple):
    """An author as listings show them; whether the email is shown is the service's decision."""

    id: str
    name: str
    email: str


class PostWithAuthor(NamedTuple):
    post: PostModel
    author: Author


class AuthorPosts(NamedTuple):
    """One page of a user's posts; every post on it has this author."""

    author: UserModel
    posts: list[PostModel]
    next_cursor: str | None


def author_of(user: UserModel) -> Author:
    return Author(user.id, user.name, user.email)


def _is_live(post: PostModel) -> bool:
    return post.deleted_at is None


def new_post_item(author: Author, post: NewPost, now: datetime) -> PostModel:
    post_id = new_id()
    item = PostModel(
        *PostModel.key(post_id),
        id=post_id,
        name=post.name,
        content=post.content,
        created_by_id=author.id,
        author_name=author.name,
        author_email=author.email,
        **PostModel.first_version(
            now,
            gsi1=(keys.user_pk(author.id), keys.user_post_sk(now, post_id)),
            gsi2=keys.timeline_key(keys.POSTS_TIMELINE, now, post_id),
        ),
    )
    return stamp(item)


def _current_author(author_id: str) -> Author:
    """The live author, strongly consistent; NotFound when missing or deleted."""
    user = _live_author(author_id, ["id", "name", "email"])
    if user is None:
        raise NotFound("Author not found")
    return author_of(user)


def _as_changed(author: Author, changes: UserChanges | None) -> Author:
    """The author once the post's transaction has applied ``changes`` (a name given with the post)."""
    name = changes.name if changes is not None and changes.name is not None else author.name
    return Author(author.id, name, author.email)


def copied_author_condition(author: Author) -> Condition:
    """The author is live and still has the name and email a post copies from ``author``."""
    condition: Condition = (
        live_user_condition() & (UserModel.name == author.name) & (UserModel.email == author.email)
    )
    return condition


def create_post(
    author_id: str,
    post: NewPost,
    author_changes: UserChanges | None = None,
    *,
    author: Author | None = None,
) -> PostModel:
    """The specification's transaction: update the author and create the post, all or nothing.

    The author update increments postCount (and applies ``author_changes``, e.g. a new lastName)
    under the condition that the author exists, is not deleted and still has the name and email the
    post copies (``author``: what the authorizer read for this request, else one GetItem here).
    DynamoDB has no foreign keys, so this condition keeps posts from pointing at missing users, and
    the copy exact: a rename committed first cancels the transaction and the post is written again
    with the new name (a rename committed after it reaches the post through the stream job).
    """
    now = utcnow()
    known = author if author is not None and author.id == author_id else _current_author(author_id)
    item = new_post_item(known, post, now)
    for _ in range(_COPY_ATTEMPTS):
        copied = _as_changed(known, author_changes)
        item.author_name, item.author_email = copied.name, copied.email
        try:
            _create_post(item, known, author_changes, now)
            return item
        except TransactionCancelled as cancelled:
            if not cancelled.failed("author"):
                raise
        current = _current_author(author_id)  # NotFound if deleted meanwhile
        if current == known:  # no rename explains the failed condition: the author was not live
            raise NotFound("Author not found")
        known = current
    raise Conflict("The author changed while the post was being created; retry")


def _create_post(item: PostModel, author: Author, changes: UserChanges | None, now: datetime) -> None:
    profile = UserModel(*UserModel.key(author.id))

    def build(tx: Transaction) -> None:
        tx.update(
            "author",
            profile,
            [*user_update_actions(changes, now), UserModel.post_count.add(1)],
            condition=copied_author_condition(author),
        )
        tx.put("post", item, condition=PostModel.pk.does_not_exist())

    run_transaction(build)


def _live_author(user_id: str, attributes: Sequence[str] | None = None) -> UserModel | None:
    """The author if not deleted. Strongly consistent: a post of a user deleted by a request that
    has returned is never shown (index reads lag, and the posts stay indexed until the retention job
    takes them out)."""
    return get_user(user_id, attributes, consistent=True)


def _live_authors(user_ids: Sequence[str]) -> dict[str, UserModel]:
    """Live authors by id, strongly consistent (see _live_author); one BatchGetItem per 100 ids."""
    found = batch_get(
        UserModel, [UserModel.key(user_id) for user_id in user_ids], _AUTHOR_ATTRIBUTES, consistent_read=True
    )
    return {user.id: user for user in found if user.deleted_at is None}


def get_post(post_id: str) -> PostModel | None:
    """A live post of a live author: GetItem of the post, then of its author (who may be deleted)."""
    try:
        post = PostModel.get(*PostModel.key(post_id))
    except DoesNotExist:
        return None
    if not _is_live(post) or _live_author(post.created_by_id, ["id"]) is None:
        return None
    return post


def list_user_posts(user_id: str, cursor: str | None, limit: int) -> AuthorPosts:
    """The specification's paginated query: a user's posts newest first, with their author.

    Every page is one Query of the author's posts and, concurrently, a strongly consistent GetItem of
    the author: a deleted author's posts are gone at once, whatever the page, although they stay in
    the index until the retention job moves them. The cursor holds only the last key read (no
    offsets, and nothing about the author: cursors are signed, not encrypted).
    """
    scope = f"user-posts:{user_id}"
    start = decode_cursor(scope, cursor)["position"] if cursor else None
    query = partial(
        query_once,
        PostModel,
        keys.user_pk(user_id),
        PostModel.gsi1sk.startswith(keys.POST_PREFIX),
        index_name="UserPosts",
        limit=limit + 1,  # one more to know whether a next page exists
        exclusive_start_key=as_start_key(start) if start else None,
    )
    page, author = in_parallel([query, partial(_live_author, user_id)])
    if author is None:
        raise NotFound("User not found")
    shown = page.items[:limit]
    # One item beyond the page means more; so does a page DynamoDB cut short at 1 MB.
    more = len(page.items) > limit or page.last_evaluated_key is not None
    next_cursor = None
    if more and shown:
        next_cursor = encode_cursor(scope, {"position": key_of(shown[-1], _USER_POSTS_POSITION)})
    return AuthorPosts(author, [PostModel.from_raw_data(raw) for raw in shown], next_cursor)


def _has_copy(raw: RawItem) -> bool:
    return all(name in raw for name in _COPY_ATTRIBUTES)


def _author_id(raw: RawItem) -> str:
    return str(raw["createdById"]["S"])


class _FeedAuthors:
    """The feed's ``keep``: hides the posts of the deleted authors read with the page, and reads the
    authors of posts without a copy (written before migration 0003) once per page, strongly
    consistent, hiding those posts too when their author is gone."""

    def __init__(self, hidden: Future[set[str]]) -> None:
        self._hidden = hidden
        self._looked_up: dict[str, UserModel] = {}
        self._seen: set[str] = set()

    def keep(self, candidates: list[RawItem]) -> list[RawItem]:
        hidden = self._hidden.result()
        shown = [raw for raw in candidates if _author_id(raw) not in hidden]
        uncopied = sorted({_author_id(raw) for raw in shown if not _has_copy(raw)} - self._seen)
        if uncopied:
            self._looked_up.update(_live_authors(uncopied))
            self._seen.update(uncopied)
        return [raw for raw in shown if _has_copy(raw) or _author_id(raw) in self._looked_up]

    def author(self, post: PostModel) -> Author:
        if post.author_name is not None and post.author_email is not None:
            return Author(post.created_by_id, post.author_name, post.author_email)
        return author_of(self._looked_up[post.created_by_id])


def feed(cursor: str | None, limit: int) -> Page[PostWithAuthor]:
    """The global feed, newest first: 2 requests, sent together.

    One Query of the posts' Timeline partition (limit + 1 posts, each carrying its author's name and
    email) and one strongly consistent Query of the deleted authors whose posts may still be indexed
    (deleted_authors). Their posts are skipped and the page refilled (timeline_page: more Queries,
    only while a deletion's posts are being retired), so a page is full while more posts exist and
    a deleted user's posts are gone from the moment the deletion is acknowledged.
    """
    hidden = in_background(hidden_author_ids)
    authors = _FeedAuthors(hidden)
    try:
        raws, next_cursor = timeline_page(PostModel, keys.POSTS_TIMELINE, cursor, limit, authors.keep)
    finally:
        wait([hidden])  # its request is part of this call (metrics, recordings), even on an empty page
    posts = [PostModel.from_raw_data(raw) for raw in raws]
    return Page([PostWithAuthor(post, authors.author(post)) for post in posts], next_cursor)


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


def _caller_is_live(tx: Transaction, author_id: str) -> None:
    """The caller's own user item must be live in the same transaction: a session that outlived
    its user's deletion cannot change (or delete) that user's posts."""
    tx.check("caller", UserModel, *UserModel.key(author_id), condition=live_user_condition())


def _run_on_own_post(
    build: Callable[[Transaction], None], post_id: str, author_id: str, expected_version: int | None
) -> None:
    """Run a transaction on the caller's post (labels "caller" and "post"), explaining a cancellation."""
    try:
        run_transaction(build, on_failed={"caller": Unauthorized("The signed-in user no longer exists")})
    except TransactionCancelled as cancelled:
        if cancelled.failed("post"):
            raise _explain_failure(post_id, author_id, expected_version) from None
        raise


def update_post(
    post_id: str, author_id: str, changes: PostChanges, expected_version: int | None
) -> PostModel:
    """Edit a post; with ``expected_version`` the edit only applies to that version (If-Match).

    One transaction (the caller is live; the post is theirs, live, at that version), then a strongly
    consistent GetItem for the response (transactions return no values).
    """
    fields = changes.model_dump(exclude_unset=True)
    actions: list[Action] = [PostModel.updated_at.set(utcnow()), PostModel.version.add(1), *stamp_actions()]
    if "name" in fields and fields["name"] is not None:
        actions.append(PostModel.name.set(fields["name"]))
    if "content" in fields:
        content = fields["content"]
        actions.append(PostModel.content.set(content) if content is not None else PostModel.content.remove())
    post = PostModel(*PostModel.key(post_id))

    def build(tx: Transaction) -> None:
        _caller_is_live(tx, author_id)
        tx.update("post", post, actions, condition=_owned_live_post_condition(author_id, expected_version))

    _run_on_own_post(build, post_id, author_id, expected_version)
    return PostModel.get(*PostModel.key(post_id), consistent_read=True)


def delete_post(post_id: str, author_id: str, expected_version: int | None) -> None:
    """Soft delete: the post leaves every index at once, the author's postCount drops, atomically.

    The author is the caller (the post condition says so), and must be live. TTL purges the item
    after the grace period; until then an operator can restore it.
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
        tx.update("caller", author, [UserModel.post_count.add(-1)], condition=live_user_condition())

    _run_on_own_post(build, post_id, author_id, expected_version)
