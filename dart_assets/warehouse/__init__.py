"""PostgreSQL warehouse: embedded server, connections, migrations."""

from dart_assets.warehouse.db import get_engine, resolve_database_url
from dart_assets.warehouse.migrate import upgrade

__all__ = ["get_engine", "resolve_database_url", "upgrade"]
