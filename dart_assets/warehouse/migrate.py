"""Alembic migrations for the schemas the Python side owns (dart_raw, dart_ops)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from dart_assets.warehouse.db import resolve_database_url

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolation treats % specially; URLs may carry %-escapes.
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None, revision: str = "head") -> str:
    """Apply migrations; idempotent (a no-op when already at head). Returns the URL used."""
    url = url or resolve_database_url()
    command.upgrade(alembic_config(url), revision)
    return url
