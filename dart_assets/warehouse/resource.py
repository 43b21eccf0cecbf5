"""The warehouse as a Dagster resource: migrations applied once per process before first use."""

from __future__ import annotations

import threading

import dagster as dg
import sqlalchemy as sa

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
