"""Connections to the warehouse."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

import sqlalchemy as sa

from dart_assets.settings import Settings, get_settings
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
    """host/port/user/password/dbname of a URL, for dbt profiles and psql (unix sockets included)."""
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    return {
        "host": query.get("host") or parts.hostname or "localhost",
        "port": str(parts.port or query.get("port") or 5432),
        "user": parts.username or query.get("user") or "postgres",
        "password": parts.password or "",
        "dbname": (parts.path or "/postgres").lstrip("/") or "postgres",
    }
