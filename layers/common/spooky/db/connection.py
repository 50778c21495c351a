"""The PynamoDB connection used for transactions (models keep their own cached table connections)."""

from __future__ import annotations

from functools import lru_cache

from pynamodb.connection import Connection
from pynamodb.models import Model

from spooky.models.base import TableMeta
from spooky.settings import get_settings


@lru_cache(maxsize=4)
def _connection(region: str, host: str | None) -> Connection:
    return Connection(
        region=region,
        host=host,
        connect_timeout_seconds=TableMeta.connect_timeout_seconds,
        read_timeout_seconds=TableMeta.read_timeout_seconds,
        max_retry_attempts=TableMeta.max_retry_attempts,
        max_pool_connections=TableMeta.max_pool_connections,
    )


def transaction_connection() -> Connection:
    """One client per endpoint, reused across warm invocations (Lambda's analogue of a connection pool)."""
    settings = get_settings()
    return _connection(settings.aws_region, settings.dynamodb_endpoint_url)


def _subclasses(model: type[Model]) -> list[type[Model]]:
    return [found for sub in model.__subclasses__() for found in (sub, *_subclasses(sub))]


def reset_connections() -> None:
    """Forget cached clients (tests switch between moto and DynamoDB Local).

    Covers every PynamoDB model imported so far; models never imported hold no client.
    """
    _connection.cache_clear()
    for model in _subclasses(Model):
        model._connection = None
