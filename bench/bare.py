"""The bare boto3 twins of benchmark 4: each endpoint's DynamoDB requests, and a handler built on them.

A twin *handler* is what the endpoint would be written as with boto3 and json alone: it takes the same
API Gateway event, sends the same requests the same way (concurrently where the repository uses
in_parallel), turns the items into the same JSON answer (overhead.py checks that both bodies are the
same JSON) and returns a proxy response. It has no validation, logging, metrics, tracing, CORS or
security headers: what the real handler spends on those is the overhead measured. The requests alone
are timed too, so that the share of merely building the answer stays visible.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from spooky.clock import utcnow
from spooky.ids import new_id
from spooky.models import keys
from spooky.pagination import encode_cursor

Item = dict[str, Any]
Event = dict[str, Any]
# The second thread, for the requests the repositories send concurrently (in_parallel).
_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="bare")


# ---------------------------------------------------------------- requests


def user_posts_page(client: Any, table: str, user_id: str, limit: int) -> tuple[Item, Item]:
    """A page of a user's posts as the repository reads it: the Query of the UserPosts index and, sent
    at the same time, a strongly consistent GetItem of the author (who may be deleted)."""
    query = _pool.submit(
        client.query,
        TableName=table,
        IndexName="UserPosts",
        KeyConditionExpression="gsi1pk = :pk AND begins_with(gsi1sk, :prefix)",
        ExpressionAttributeValues={":pk": {"S": keys.user_pk(user_id)}, ":prefix": {"S": keys.POST_PREFIX}},
        ScanIndexForward=False,
        Limit=limit + 1,  # one more tells whether a next page exists
        ReturnConsumedCapacity="INDEXES",
    )
    author = client.get_item(
        TableName=table,
        Key={"pk": {"S": keys.user_pk(user_id)}, "sk": {"S": keys.PROFILE_SK}},
        ConsistentRead=True,
        ReturnConsumedCapacity="TOTAL",
    )
    return query.result(), author


def get_post(client: Any, table: str, post_id: str) -> tuple[Item, Item | None]:
    """The post, then whether its author is live: two GetItems, the second strongly consistent."""
    post = client.get_item(
        TableName=table,
        Key={"pk": {"S": keys.post_pk(post_id)}, "sk": {"S": keys.POST_SK}},
        ReturnConsumedCapacity="TOTAL",
    )
    if "Item" not in post:
        return post, None
    author = client.get_item(
        TableName=table,
        Key={"pk": {"S": keys.user_pk(post["Item"]["createdById"]["S"])}, "sk": {"S": keys.PROFILE_SK}},
        ProjectionExpression="#id, #deleted",
        ExpressionAttributeNames={"#id": "id", "#deleted": "deletedAt"},
        ConsistentRead=True,
        ReturnConsumedCapacity="TOTAL",
    )
    return post, author


def put_post(client: Any, table: str, author: tuple[str, str, str], name: str, content: str) -> Item:
    """The create-post transaction, written out by hand: author update + post put, both conditional."""
    author_id, author_name, author_email = author
    post_id, now = new_id(), utcnow()
    stamp = now.strftime("%Y-%m-%dT%H:%M:%S.%f+0000")
    timeline_pk, timeline_sk = keys.timeline_key(keys.POSTS_TIMELINE, now, post_id)
    item = {
        "pk": {"S": keys.post_pk(post_id)},
        "sk": {"S": keys.POST_SK},
        "id": {"S": post_id},
        "name": {"S": name},
        "content": {"S": content},
        "createdById": {"S": author_id},
        "authorName": {"S": author_name},
        "authorEmail": {"S": author_email},
        "createdAt": {"S": stamp},
        "updatedAt": {"S": stamp},
        "version": {"N": "1"},
        "gsi1pk": {"S": keys.user_pk(author_id)},
        "gsi1sk": {"S": keys.user_post_sk(now, post_id)},
        "gsi2pk": {"S": timeline_pk},
        "gsi2sk": {"S": timeline_sk},
    }
    client.transact_write_items(
        TransactItems=[
            {
                "Update": {
                    "TableName": table,
                    "Key": {"pk": {"S": keys.user_pk(author_id)}, "sk": {"S": keys.PROFILE_SK}},
                    "UpdateExpression": "SET updatedAt = :now ADD version :one, postCount :one",
                    "ConditionExpression": "attribute_exists(pk) AND attribute_not_exists(deletedAt)"
                    " AND #name = :name AND email = :email",
                    "ExpressionAttributeNames": {"#name": "name"},
                    "ExpressionAttributeValues": {
                        ":now": {"S": stamp},
                        ":one": {"N": "1"},
                        ":name": {"S": author_name},
                        ":email": {"S": author_email},
                    },
                }
            },
            {"Put": {"TableName": table, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}},
        ],
        ReturnConsumedCapacity="INDEXES",
    )
    return item


# ---------------------------------------------------------------- answers


def _answer(status: int, body: Any) -> dict[str, Any]:
    return {"statusCode": status, "headers": {"Content-Type": "application/json"}, "body": json.dumps(body)}


def _not_found() -> dict[str, Any]:
    return _answer(404, {"code": "NOT_FOUND", "message": "Not found"})


def _text(item: Item, name: str) -> str | None:
    value = item.get(name)
    return value["S"] if value else None


def _wire_time(item: Item, name: str) -> str:
    # Stored as 2026-12-01T18:11:07.571790+0000, answered to the millisecond: 2026-12-01T18:11:07.571Z.
    return f"{item[name]['S'][:23]}Z"


def _author(item: Item) -> dict[str, Any]:
    # An anonymous caller (as in the benchmark) does not see emails: the key is left out.
    return {"id": item["id"]["S"], "name": item["name"]["S"]}


def _post(item: Item, created_by: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "id": item["id"]["S"],
        "name": item["name"]["S"],
        "content": _text(item, "content"),
        "createdById": item["createdById"]["S"],
        "createdAt": _wire_time(item, "createdAt"),
        "updatedAt": _wire_time(item, "updatedAt"),
        "version": int(item["version"]["N"]),
        "createdBy": created_by,
    }


def _live(author: Item) -> Item | None:
    item: Item | None = author.get("Item")
    return item if item is not None and "deletedAt" not in item else None


def _posts_and_author(
    client: Any, table: str, user_id: str, limit: int
) -> tuple[list[Item], Item, bool] | None:
    page, author_response = user_posts_page(client, table, user_id, limit)
    author = _live(author_response)
    if author is None:
        return None
    items = page.get("Items", [])
    return items[:limit], author, len(items) > limit or "LastEvaluatedKey" in page


def profile_handler(client: Any, table: str, limit: int, event: Event) -> dict[str, Any]:
    """GET /users/{userId}: the user and their newest posts."""
    found = _posts_and_author(client, table, event["pathParameters"]["userId"], limit)
    if found is None:
        return _not_found()
    posts, user, _ = found
    public_user = {
        **_author(user),
        "emailVerified": user.get("emailVerified", {}).get("BOOL", False),
        "image": _text(user, "image"),
        "firstName": _text(user, "firstName"),
        "lastName": _text(user, "lastName"),
        "createdAt": _wire_time(user, "createdAt"),
        "updatedAt": _wire_time(user, "updatedAt"),
    }
    created_by = _author(user)
    return _answer(200, {"user": public_user, "posts": [_post(item, created_by) for item in posts]})


def user_posts_handler(client: Any, table: str, limit: int, event: Event) -> dict[str, Any]:
    """GET /users/{userId}/posts (first page): the posts, a signed cursor to the next page, the author."""
    user_id = event["pathParameters"]["userId"]
    found = _posts_and_author(client, table, user_id, limit)
    if found is None:
        return _not_found()
    posts, user, more = found
    cursor = None
    if more and posts:
        position = {name: posts[-1][name]["S"] for name in ("pk", "sk", "gsi1pk", "gsi1sk")}
        cursor = encode_cursor(f"user-posts:{user_id}", {"position": position})
    author = _author(user)
    return _answer(
        200, {"items": [_post(item, author) for item in posts], "nextCursor": cursor, "author": author}
    )


def post_handler(client: Any, table: str, event: Event) -> dict[str, Any]:
    """GET /posts/{postId}."""
    post, author = get_post(client, table, event["pathParameters"]["postId"])
    item = post.get("Item")
    if item is None or author is None or _live(author) is None or "deletedAt" in item:
        return _not_found()
    return _answer(200, _post(item, None))


def create_post_handler(client: Any, table: str, event: Event) -> dict[str, Any]:
    """POST /posts, as the caller the authorizer named."""
    caller = event["requestContext"]["authorizer"]
    body = json.loads(event["body"])
    item = put_post(
        client,
        table,
        (caller["userId"], caller["userName"], caller["userEmail"]),
        body["name"],
        body["content"],
    )
    return _answer(201, _post(item, None))
