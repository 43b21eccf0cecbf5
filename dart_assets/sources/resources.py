"""Dagster resources of the ingestion concern: the warehouse engine and the source clients."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import sqlalchemy as sa

from dart_assets.sources.dart.client import DartClient
from dart_assets.sources.ecos.client import EcosClient
from dart_assets.sources.http.breaker import CircuitBreaker
from dart_assets.sources.krx.client import KrxClient
from dart_assets.warehouse import migrate
from dart_assets.warehouse.db import get_engine, resolve_database_url

_migrated: set[str] = set()
_migrate_lock = threading.Lock()


class WarehouseResource(dg.ConfigurableResource):
    """The warehouse PostgreSQL; migrations are applied once per process before first use.

    `database_url` defaults to DATABASE_URL (or the embedded server), read when first used so
    that the definitions load without a database.
    """

    database_url: str | None = None

    def url(self) -> str:
        return self.database_url or resolve_database_url()

    def engine(self) -> sa.Engine:
        url = self.url()
        with _migrate_lock:
            if url not in _migrated:
                migrate.upgrade(url)  # a no-op at head; makes a fresh database usable at once
                _migrated.add(url)
        return get_engine(url)


class DartResource(dg.ConfigurableResource):
    """OpenDART from the environment (DART_API_KEY(S), DART_API_BASE_URL, rate and budget).

    The client counts its calls against the daily budget in `dart_ops.api_quota_usage` and
    shares the circuit breaker in `dart_ops.circuit_breaker`, so every run sees the same quota
    and the same view of DART's health.
    """

    @contextmanager
    def client(self, engine: sa.Engine) -> Iterator[DartClient]:
        client = DartClient.from_settings(engine=engine, breaker=CircuitBreaker(engine))
        try:
            yield client
        finally:
            client.close()


class KrxResource(dg.ConfigurableResource):
    """The KRX Open API from the environment (KRX_API_KEY, KRX_API_BASE_URL); calls are counted
    against the key's daily budget in dart_ops.api_quota_usage, like OpenDART's."""

    @contextmanager
    def client(self, engine: sa.Engine) -> Iterator[KrxClient]:
        with KrxClient.from_settings(engine=engine) as client:
            yield client


class EcosResource(dg.ConfigurableResource):
    """Bank of Korea ECOS from the environment (ECOS_API_KEY, ECOS_API_BASE_URL)."""

    @contextmanager
    def client(self, engine: sa.Engine) -> Iterator[EcosClient]:
        with EcosClient.from_settings(engine=engine) as client:
            yield client
