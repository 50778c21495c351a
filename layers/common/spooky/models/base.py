"""PynamoDB plumbing shared by every model: table names and endpoint come from Settings at call time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Self

import pynamodb.connection.base
from botocore.loaders import Loader
from botocore.session import Session, get_session
from pynamodb.attributes import UnicodeAttribute
from pynamodb.models import Model

from spooky.models.reading import item_reader
from spooky.settings import Settings, get_settings


class FromSettings:
    """A Meta attribute resolved from the current Settings whenever PynamoDB reads it.

    This keeps table names in one place (template.yaml -> environment -> Settings) and lets tests
    point models at moto or DynamoDB Local without re-importing anything.
    """

    def __init__(self, read: Callable[[Settings], Any]) -> None:
        self._read = read

    def __get__(self, instance: object, owner: type) -> Any:
        return self._read(get_settings())


_shared_loader: Loader | None = None


def _session_sharing_one_loader(env_vars: dict[str, tuple[Any, Any, Any, Any]] | None = None) -> Session:
    """A botocore session (PynamoDB makes one per model class and thread) that reuses one data loader.

    Building a client mostly parses botocore's DynamoDB model and endpoint files, which the loader caches:
    sharing it makes every client after the first cost ~12 ms instead of ~60-70 ms (measured here), which
    a cold start that touches five models pays five times.
    """
    global _shared_loader
    session = get_session(env_vars)
    if _shared_loader is None:
        _shared_loader = session.get_component("data_loader")
    else:
        session.register_component("data_loader", _shared_loader)
    return session


# PynamoDB looks get_session up in its own module at each session creation.
pynamodb.connection.base.get_session = _session_sharing_one_loader  # type: ignore[attr-defined]


class TableMeta:
    """Connection settings shared by all models; subclasses set ``table_name``."""

    region = FromSettings(lambda s: s.aws_region)
    host = FromSettings(lambda s: s.dynamodb_endpoint_url)
    # Fail fast inside a 10 s Lambda budget instead of PynamoDB's 15 s connect / 30 s read defaults.
    connect_timeout_seconds = 2
    read_timeout_seconds = 4
    max_retry_attempts = 3
    max_pool_connections = 16


def app_table_meta() -> Any:
    class Meta(TableMeta):
        table_name = FromSettings(lambda s: s.app_table_name)

    return Meta


def auth_table_meta() -> Any:
    class Meta(TableMeta):
        table_name = FromSettings(lambda s: s.auth_table_name)

    return Meta


class KeyedModel(Model):
    """Every item has a generic partition key ``pk`` and sort key ``sk`` (overloaded per entity)."""

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    # Who wrote the item last, in which API request (spooky.request_context): read by the audit log.
    actor_id = UnicodeAttribute(attr_name="actorId", null=True)
    request_id = UnicodeAttribute(attr_name="requestId", null=True)

    @classmethod
    def _instantiate(cls, attribute_values: dict[str, dict[str, Any]]) -> Self:
        # Every read item is built here (get, query, batch_get, from_raw_data): in one pass where a
        # reader can (spooky.models.reading), by PynamoDB otherwise.
        reader = item_reader(cls)
        if reader is None:
            return super()._instantiate(attribute_values)
        built: Self = reader(attribute_values)
        return built
