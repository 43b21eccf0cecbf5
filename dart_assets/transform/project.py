"""The dbt project as Dagster sees it, and the pure builders of dbt's command lines."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from dart_assets.transform.profile import DBT_PROJECT_DIR

DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)

# One pool for every dbt invocation (limit 1 in dagster.yaml): concurrent runs would collide on
# the __dbt_tmp relations of the incremental models and race to create them.
DBT_POOL = "dbt"

# dbt resources built on each daily partition; everything else is unpartitioned.
DAILY_SELECT = "tag:daily"


def dbt_executable() -> str:
    """The dbt next to this interpreter: DbtCliResource checks PATH, which a venv may not be on."""
    candidate = Path(sys.executable).parent / "dbt"
    return str(candidate) if candidate.exists() else "dbt"


def dbt_resource() -> DbtCliResource:
    return DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=dbt_executable())


def window_vars(start: date | datetime, end: date | datetime) -> dict[str, str]:
    """min_date/max_date of the incremental models for a partition window [start, end)."""
    start_day = start.date() if isinstance(start, datetime) else start
    end_day = end.date() if isinstance(end, datetime) else end
    if end_day <= start_day:
        raise ValueError(f"empty partition window: {start_day} .. {end_day}")
    return {"min_date": start_day.isoformat(), "max_date": end_day.isoformat()}


def build_args(dbt_vars: dict[str, str] | None = None, *, full_refresh: bool = False) -> list[str]:
    """`dbt build` for Dagster runs.

    Unit tests stay in CI (a plain `dbt build` runs them). Indirect selection is cautious: a
    test runs only when all its models are in the run, because the daily and the unpartitioned
    models are built in separate runs and a relationships test across the two would otherwise
    query a table that does not exist yet.
    """
    args = ["build", "--exclude-resource-type", "unit_test", "--indirect-selection", "cautious"]
    if dbt_vars:
        args += ["--vars", json.dumps(dbt_vars, sort_keys=True)]
    if full_refresh:
        args.append("--full-refresh")
    return args
