"""The embedded PostgreSQL (pgserver) used when DATABASE_URL is unset.

The server is started with cleanup_mode=None so it keeps running after this process
exits: later commands (Dagster, dbt, the API) reuse it through its unix socket.
"""

from __future__ import annotations

from pathlib import Path


def ensure_embedded_server(data_dir: Path) -> str:
    """Start (or reuse) the server under data_dir and return a psycopg2 SQLAlchemy URL."""
    import pgserver  # imported lazily: it is only needed without DATABASE_URL

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(str(data_dir), cleanup_mode=None)
    return to_sqlalchemy_url(server.get_uri())


def to_sqlalchemy_url(uri: str) -> str:
    """pgserver gives postgresql://...; name the driver so SQLAlchemy 2.x and Dagster agree."""
    if uri.startswith("postgresql://"):
        return "postgresql+psycopg2://" + uri[len("postgresql://") :]
    return uri
