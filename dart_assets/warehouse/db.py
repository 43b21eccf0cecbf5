"""Connections to the warehouse."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import sqlalchemy as sa

from dart_assets.core.settings import Settings, get_settings
from dart_assets.warehouse.embedded import ensure_embedded_server, to_sqlalchemy_url


def resolve_database_url(settings: Settings | None = None) -> str:
    """DATABASE_URL when set, else the embedded server under $DART_FG_HOME/pg (started on demand)."""
    settings = settings or get_settings()
    if settings.database_url:
        return to_sqlalchemy_url(settings.database_url)
    return ensure_embedded_server(settings.home / "pg")


@lru_cache(maxsize=8)
def _engine_for(url: str) -> sa.Engine:
    return sa.create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def get_engine(url: str | None = None) -> sa.Engine:
    """A pooled engine per URL, shared within the process."""
    return _engine_for(url or resolve_database_url())


def libpq_params(url: str) -> dict[str, str]:
    """host/port/user/password/dbname of a URL, decoded, for dbt profiles and psql.

    Unix sockets included: pgserver URLs carry the socket directory as `?host=`.
    """
    parsed = sa.engine.make_url(url)
    host = parsed.query.get("host")
    return {
        "host": (host if isinstance(host, str) else None) or parsed.host or "localhost",
        "port": str(parsed.port or 5432),
        "user": parsed.username or "postgres",
        "password": parsed.password or "",
        "dbname": parsed.database or "postgres",
    }


@contextmanager
def connection(db: sa.Engine | sa.Connection) -> Iterator[sa.Connection]:
    """A connection of its own from an engine, or the caller's (and its transaction) as given."""
    if isinstance(db, sa.Connection):
        yield db
    else:
        with db.connect() as conn:
            yield conn
