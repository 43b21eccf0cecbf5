"""The embedded PostgreSQL (pgserver) used when DATABASE_URL is unset.

The server is started with cleanup_mode=None so it keeps running after this process
exits: later commands (Dagster, dbt, the API) reuse it through its unix socket.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from types import ModuleType


def import_pgserver() -> ModuleType:
    """pgserver, imported lazily (only needed without DATABASE_URL). Its import computes a
    runtime directory this project never uses (the server lives under data_dir), and where
    XDG_RUNTIME_DIR is unset (containers, CI, the demo) platformdirs warns about it on every
    command's console: that one warning is silenced."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
        import pgserver

    return pgserver


def ensure_embedded_server(data_dir: Path) -> str:
    """Start (or reuse) the server under data_dir and return a psycopg2 SQLAlchemy URL."""
    data_dir.mkdir(parents=True, exist_ok=True)
    server = import_pgserver().get_server(str(data_dir), cleanup_mode=None)
    return to_sqlalchemy_url(server.get_uri())


def to_sqlalchemy_url(uri: str) -> str:
    """pgserver gives postgresql://...; name the driver so SQLAlchemy 2.x and Dagster agree."""
    if uri.startswith("postgresql://"):
        return "postgresql+psycopg2://" + uri[len("postgresql://") :]
    return uri
