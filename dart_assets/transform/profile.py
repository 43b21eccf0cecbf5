"""The dbt profile's connection, derived from DATABASE_URL.

dbt_project/profiles.yml reads DBT_PG_* variables (and DBT_ENV_SECRET_PG_PASSWORD, which dbt
scrubs from its logs); this module sets them from the warehouse URL, so dbt, Dagster and the
Python side always talk to the same database, unix-socket URLs of the embedded server included.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from pathlib import Path

from dart_assets.warehouse.db import libpq_params, resolve_database_url

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"


def dbt_env(url: str) -> dict[str, str]:
    """The DBT_* variables profiles.yml reads, for one SQLAlchemy/libpq URL."""
    params = libpq_params(url)
    return {
        "DBT_PG_HOST": params["host"],
        "DBT_PG_PORT": params["port"],
        "DBT_PG_USER": params["user"],
        "DBT_ENV_SECRET_PG_PASSWORD": params["password"],
        "DBT_PG_DBNAME": params["dbname"],
    }


def apply_dbt_env(url: str | None = None, environ: MutableMapping[str, str] | None = None) -> dict[str, str]:
    """Set the DBT_* variables for `url` (default: the resolved DATABASE_URL); returns them."""
    values = dbt_env(url or resolve_database_url())
    (os.environ if environ is None else environ).update(values)
    return values
