"""Concurrency soak: many clients sign up, post, update and delete for a fixed time; nothing is lost.

Each client records every write the API acknowledged (2xx). Afterwards every acknowledged post must be
stored exactly once with its last acknowledged content (or be deleted if its delete was acknowledged),
every acknowledged sign-up must have its user, post counts must match, and the store must pass the
invariant check. Not one request may end in a 5xx.

Two clients of one account race each other: updates and deletes carry If-Match and retry on 412 by
re-reading, creates sometimes carry an Idempotency-Key and are retried to prove the replay.

Two runs: over HTTP against the local API (the real gateway, authorizer and handlers, which the local
API runs one at a time), and at the service layer with real thread concurrency against DynamoDB Local.
SOAK_SECONDS (default 10) sets the length of each run.
"""

from __future__ import annotations

import os
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import pytest

from spooky.errors import DomainError
from spooky.http.errors import status_of
from spooky.ids import new_id
from spooky.models import keys
from spooky.models.app import PostModel
from spooky.schemas.auth.credentials import SignUpBody
from spooky.schemas.posts import NewPost, PostChanges
from spooky.services import posts as post_service
from spooky.services.auth import credentials
from spooky.services.auth.sessions import Client
from tests.support.client import HttpClient
from tests.support.invariants import check_invariants, snapshot

# Many sign-ups and password checks; none of these tests is about hashing. Long: `make test-long`.
pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("cheap_passwords")]

SOAK_SECONDS = float(os.environ.get("SOAK_SECONDS", "10"))
CLIENTS = 6
# Each starting account is shared by this many clients (two devices racing on the same posts).
CLIENTS_PER_ACCOUNT = 2
MAX_ATTEMPTS = 8
PASSWORD = "soak password 123"


@dataclass(frozen=True)
class Account:
    user_id: str
    token: str


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any = None


class Api(Protocol):
    """What a soak client can do; implemented over HTTP and at the service layer."""

    def sign_up(self, email: str) -> tuple[Reply, Account | None]: ...
    def create(self, account: Account, name: str, content: str, key: str | None) -> Reply: ...
    def read(self, post_id: str) -> Reply: ...
    def update(self, account: Account, post_id: str, version: int, content: str) -> Reply: ...
    def delete(self, account: Account, post_id: str, version: int) -> Reply: ...
    def browse(self, account: Account) -> Reply: ...


@dataclass
class HttpApi:
    base_url: str

    def _client(self, account: Account | None = None) -> HttpClient:
        return HttpClient(self.base_url, origin=None, bearer=account.token if account else None)

    def sign_up(self, email: str) -> tuple[Reply, Account | None]:
        reply = self._client().post(
            "/api/auth/sign-up/email", {"name": "Soak", "email": email, "password": PASSWORD}
        )
        if reply.status != 200:
            return Reply(reply.status, reply.body), None
        return Reply(200, reply.body), Account(reply.body["user"]["id"], reply.body["token"])

    def create(self, account: Account, name: str, content: str, key: str | None) -> Reply:
        headers = {"Idempotency-Key": key} if key else None
        reply = self._client(account).post("/posts", {"name": name, "content": content}, headers=headers)
        return Reply(reply.status, reply.body)

    def read(self, post_id: str) -> Reply:
        reply = self._client().get(f"/posts/{post_id}")
        return Reply(reply.status, reply.body)

    def update(self, account: Account, post_id: str, version: int, content: str) -> Reply:
        reply = self._client(account).patch(
            f"/posts/{post_id}", {"content": content}, headers={"If-Match": f'"{version}"'}
        )
        return Reply(reply.status, reply.body)

    def delete(self, account: Account, post_id: str, version: int) -> Reply:
        reply = self._client(account).delete(f"/posts/{post_id}", headers={"If-Match": f'"{version}"'})
        return Reply(reply.status, reply.body)

    def browse(self, account: Account) -> Reply:
        reply = self._client().get(f"/users/{account.user_id}/posts?limit=5")
        return Reply(reply.status, reply.body)


def _served(call: Callable[[], Any], status: int = 200) -> Reply:
    """A service call as the HTTP layer would answer it (spooky.http.errors maps the errors)."""
    try:
        result = call()
    except DomainError as error:
        return Reply(int(status_of(error)), {"code": error.code})
    except Exception as error:  # anything else is what the HTTP layer turns into a 5xx
        return Reply(500, {"code": type(error).__name__, "message": str(error)})
    body = result.model_dump(mode="json", by_alias=True) if result is not None else None
    return Reply(status, body)


@dataclass
class ServiceApi:
    """The same operations, straight into the services, from many threads at once."""

    def sign_up(self, email: str) -> tuple[Reply, Account | None]:
        body = SignUpBody.model_validate({"name": "Soak", "email": email, "password": PASSWORD})
        try:
            signed_in = credentials.sign_up(body, client=Client(), api_base_url="http://localhost")
        except DomainError as error:
            return Reply(int(status_of(error)), {"code": error.code}), None
        return Reply(200), Account(signed_in.user.id, signed_in.session.token)

    def create(self, account: Account, name: str, content: str, key: str | None) -> Reply:
        new_post = NewPost(name=name, content=content)
        return _served(lambda: post_service.create_post(account.user_id, new_post, key), 201)

    def read(self, post_id: str) -> Reply:
        return _served(lambda: post_service.get_post(post_id))

    def update(self, account: Account, post_id: str, version: int, content: str) -> Reply:
        changes = PostChanges(content=content)
        return _served(lambda: post_service.update_post(post_id, account.user_id, changes, version))

    def delete(self, account: Account, post_id: str, version: int) -> Reply:
        return _served(lambda: post_service.delete_post(post_id, account.user_id, version), 204)

    def browse(self, account: Account) -> Reply:
        return _served(lambda: post_service.list_user_posts(account.user_id, None, 5))


@dataclass
class Acknowledged:
    """A post as the API last acknowledged it."""

    author_id: str
    name: str
    content: str
    version: int
    deleted: bool = False


@dataclass
class Ledger:
    """Every write the API acknowledged, recorded client-side, and everything the clients saw."""

    posts: dict[str, Acknowledged] = field(default_factory=dict)
    users: set[str] = field(default_factory=set)
    writes: Counter[str] = field(default_factory=Counter)
    requests: Counter[str] = field(default_factory=Counter)
    # 5xx answers, and promises the API broke (an idempotent retry answered differently).
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def saw(self, action: str, reply: Reply) -> Reply:
        with self.lock:
            self.requests[f"{action} {reply.status}"] += 1
            if reply.status >= 500:
                self.failures.append(f"{action}: {reply.status} {reply.body}")
        return reply

    def failed(self, failure: str) -> None:
        with self.lock:
            self.failures.append(failure)

    def signed_up(self, user_id: str) -> None:
        with self.lock:
            self.users.add(user_id)
            self.writes["sign-up"] += 1

    def created(self, post: dict[str, Any]) -> None:
        with self.lock:
            self.posts[post["id"]] = Acknowledged(
                post["createdById"], post["name"], post["content"], post["version"]
            )
            self.writes["create"] += 1

    def updated(self, post: dict[str, Any]) -> None:
        with self.lock:
            known = self.posts[post["id"]]
            # Updates at distinct versions may be acknowledged out of order: the newest one stays.
            if post["version"] > known.version:
                known.content, known.version = post["content"], post["version"]
            self.writes["update"] += 1

    def deleted(self, post_id: str) -> None:
        with self.lock:
            self.posts[post_id].deleted = True
            self.writes["delete"] += 1

    def live_posts(self, author_id: str) -> list[str]:
        with self.lock:
            return sorted(
                post_id
                for post_id, post in self.posts.items()
                if post.author_id == author_id and not post.deleted
            )


@dataclass
class SoakClient:
    """One client: random actions on its accounts until the deadline."""

    api: Api
    ledger: Ledger
    accounts: list[Account]
    rng: random.Random
    name: str

    def run(self, deadline: float) -> None:
        actions = [self.create, self.update, self.delete, self.sign_up, self.browse]
        weights = [40, 35, 12, 5, 8]
        step = 0
        while time.monotonic() < deadline:
            step += 1
            self.rng.choices(actions, weights)[0](step)

    def account(self) -> Account:
        return self.rng.choice(self.accounts)

    def sign_up(self, step: int) -> None:
        reply, account = self.api.sign_up(f"soak-{new_id().lower()}@example.com")
        self.ledger.saw("sign-up", reply)
        if account is not None:
            self.ledger.signed_up(account.user_id)
            self.accounts.append(account)

    def create(self, step: int) -> None:
        account = self.account()
        name, content = f"{self.name} post {step}", f"created at step {step}"
        key = new_id() if self.rng.random() < 0.25 else None
        reply = self.ledger.saw("create", self.api.create(account, name, content, key))
        if reply.status != 201:
            return
        self.ledger.created(reply.body)
        if key:  # the client never saw the answer, say, and retries: the first answer comes back
            replay = self.ledger.saw("create (retry)", self.api.create(account, name, content, key))
            if replay.status != 201 or replay.body != reply.body:
                self.ledger.failed(
                    f"idempotent retry answered {replay.status} {replay.body}, not {reply.body}"
                )

    def _with_current_version(self, action: str, write: Callable[[Account, str, int], Reply]) -> None:
        """Read, write at that version; on 412 (the other device won) read again and retry."""
        account = self.account()
        # The newest few posts of the account: where its two devices collide.
        candidates = self.ledger.live_posts(account.user_id)[-3:]
        if not candidates:
            return
        post_id = self.rng.choice(candidates)
        for _ in range(MAX_ATTEMPTS):
            current = self.ledger.saw("read", self.api.read(post_id))
            if current.status != 200:  # deleted meanwhile, by the other device
                return
            reply = self.ledger.saw(action, write(account, post_id, current.body["version"]))
            if reply.status != 412:
                return

    def update(self, step: int) -> None:
        def write(account: Account, post_id: str, version: int) -> Reply:
            reply = self.api.update(account, post_id, version, f"{self.name} edit {step} of v{version}")
            if reply.status == 200:
                self.ledger.updated(reply.body)
            return reply

        self._with_current_version("update", write)

    def delete(self, step: int) -> None:
        def write(account: Account, post_id: str, version: int) -> Reply:
            reply = self.api.delete(account, post_id, version)
            if reply.status == 204:
                self.ledger.deleted(post_id)
            return reply

        self._with_current_version("delete", write)

    def browse(self, step: int) -> None:
        self.ledger.saw("browse", self.api.browse(self.account()))


def soak(api: Api, seconds: float) -> Ledger:
    ledger = Ledger()
    shared: list[Account] = []
    for _ in range(CLIENTS // CLIENTS_PER_ACCOUNT):
        reply, account = api.sign_up(f"soak-{new_id().lower()}@example.com")
        ledger.saw("sign-up", reply)
        assert account is not None, reply
        ledger.signed_up(account.user_id)
        shared.append(account)
    clients = [
        SoakClient(
            api, ledger, [shared[index // CLIENTS_PER_ACCOUNT]], random.Random(index), f"client {index}"
        )
        for index in range(CLIENTS)
    ]
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=client.run, args=(deadline,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return ledger


def lost_writes(ledger: Ledger, tables: dict[str, str]) -> list[str]:
    """Every acknowledged write against what is stored."""
    stored_items = snapshot(tables)
    stored = {
        item.id: item
        for (table, _, sk), raw in stored_items.items()
        if table == "AppTable" and sk == keys.POST_SK
        for item in [PostModel.from_raw_data(raw)]
    }
    problems = []
    for post_id, expected in ledger.posts.items():
        post = stored.get(post_id)
        if post is None:
            problems.append(f"acknowledged post {post_id} is not stored")
        elif expected.deleted != (post.deleted_at is not None):
            problems.append(f"post {post_id}: deleted={expected.deleted} acknowledged, not as stored")
        elif not expected.deleted and (post.content, post.version) != (expected.content, expected.version):
            problems.append(
                f"post {post_id}: v{expected.version} {expected.content!r} acknowledged, "
                f"v{post.version} {post.content!r} stored"
            )
    # Exactly once: no live post the clients were never told about (e.g. a duplicated retry).
    for post in stored.values():
        if post.id not in ledger.posts and post.deleted_at is None:
            problems.append(f"post {post.id} ({post.name!r}) is stored but was never acknowledged")
    for user_id in ledger.users:
        if ("AppTable", keys.user_pk(user_id), keys.PROFILE_SK) not in stored_items:
            problems.append(f"acknowledged sign-up {user_id} has no user")
    return problems


def check_soak(variant: str, seconds: float, ledger: Ledger, tables: dict[str, str]) -> None:
    requests = sum(ledger.requests.values())
    writes = sum(ledger.writes.values())
    print(
        f"\nsoak ({variant}, {CLIENTS} clients, {seconds:.0f} s): {requests} requests, "
        f"{writes} acknowledged writes checked {dict(ledger.writes)}, {len(ledger.failures)} failures"
    )
    print(f"  answers: {dict(sorted(ledger.requests.items()))}")
    assert not ledger.failures, ledger.failures[:20]
    problems = lost_writes(ledger, tables)
    assert not problems, problems[:20]
    invariants = check_invariants(tables)
    print(f"  {invariants}")
    assert invariants.ok, str(invariants)


@pytest.fixture
def local_tables(fresh_tables: dict[str, str]) -> dict[str, str]:
    """Empty tables of its own: "nothing unacknowledged is stored" needs a store with nothing else."""
    return fresh_tables


def test_soak_over_http_loses_nothing(local_api: str, local_tables: dict[str, str]) -> None:
    ledger = soak(HttpApi(local_api), SOAK_SECONDS)

    check_soak("HTTP, local API", SOAK_SECONDS, ledger, local_tables)


def test_soak_at_the_service_layer_with_real_concurrency_loses_nothing(local_tables: dict[str, str]) -> None:
    ledger = soak(ServiceApi(), SOAK_SECONDS)

    check_soak("services, threads", SOAK_SECONDS, ledger, local_tables)


def test_the_soak_check_finds_lost_changed_and_unacknowledged_posts(local_tables: dict[str, str]) -> None:
    api, ledger = ServiceApi(), Ledger()
    _, account = api.sign_up("gomez@example.com")
    assert account is not None
    ledger.signed_up(account.user_id)
    lost, changed, undeleted = (
        api.create(account, name, "v1", None).body for name in ("lost", "changed", "kept")
    )
    for post in (lost, changed, undeleted):
        ledger.created(post)
    PostModel(*PostModel.key(lost["id"])).delete()
    api.update(account, changed["id"], 1, "changed behind the ledger")
    ledger.deleted(undeleted["id"])
    stranger = api.create(account, "never acknowledged", "", None).body

    problems = "\n".join(lost_writes(ledger, local_tables))

    assert f"acknowledged post {lost['id']} is not stored" in problems
    assert f"post {changed['id']}: v1 'v1' acknowledged, v2 'changed behind" in problems
    assert f"post {undeleted['id']}: deleted=True acknowledged" in problems
    assert f"post {stranger['id']} ('never acknowledged') is stored but was never acknowledged" in problems
