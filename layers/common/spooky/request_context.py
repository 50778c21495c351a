"""Who is acting, and in which request: stamped on every item a request writes, for the audit log.

The HTTP entry point opens the context (the authorizer's user id, API Gateway's request id); the
repositories stamp ``actorId`` and ``requestId`` on what they write; the audit stream reads them back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import NamedTuple, TypeVar

from pynamodb.expressions.update import Action

from spooky.models.base import KeyedModel

Item = TypeVar("Item", bound=KeyedModel)


class RequestContext(NamedTuple):
    actor_id: str | None
    request_id: str | None


_current: ContextVar[RequestContext | None] = ContextVar("spooky_request_context", default=None)


@contextmanager
def acting(actor_id: str | None, request_id: str | None) -> Iterator[None]:
    token = _current.set(RequestContext(actor_id, request_id))
    try:
        yield
    finally:
        _current.reset(token)


def stamp[Item: KeyedModel](item: Item) -> Item:
    """Set the acting user and request on an item about to be put."""
    context = _current.get()
    if context is not None:
        item.actor_id = context.actor_id
        item.request_id = context.request_id
    return item


def stamp_actions() -> list[Action]:
    """SET actions recording the acting user and request on an updated item."""
    context = _current.get()
    if context is None:
        return []
    actions: list[Action] = []
    if context.actor_id:
        actions.append(KeyedModel.actor_id.set(context.actor_id))
    if context.request_id:
        actions.append(KeyedModel.request_id.set(context.request_id))
    return actions
