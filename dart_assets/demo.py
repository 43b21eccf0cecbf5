"""`make demo`: the main jobs end to end on the embedded default, then where to look.

Without a DART key the bundled simulator serves recorded and generated OpenDART data on
127.0.0.1 for the duration of the demo; with DART_API_KEY(S) set it calls DART itself.
Runs go through the Dagster instance in $DAGSTER_HOME, so they appear in the UI (`make dev`).
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from datetime import date, timedelta

import dagster as dg
import sqlalchemy as sa
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from dart_assets.settings import get_settings
from dart_assets.warehouse.db import get_engine

DEMO_KEY = "0" * 40  # accepted by the simulator only


def demo_window(today: date) -> tuple[str, str, list[str]]:
    """Daily partitions from the Monday two weeks back to yesterday, and those two weeks.

    Complete weeks, because the weekly financials read the periodic reports filed in their
    week from dart_raw.disclosures; two of them, because those reports cluster before the
    quarterly deadlines (mid-March, May, August, November).
    """
    this_monday = today - timedelta(days=today.weekday())
    start = this_monday - timedelta(days=14)
    weeks = [start.isoformat(), (start + timedelta(days=7)).isoformat()]
    return start.isoformat(), (today - timedelta(days=1)).isoformat(), weeks


@contextlib.contextmanager
def data_source() -> Iterator[str]:
    """Yield a description of where DART data comes from, starting the simulator if needed."""
    settings = get_settings()
    if settings.api_keys and not settings.uses_simulator:
        yield "OpenDART (your DART_API_KEY)"
        return
    from dart_assets.simulator.server import SimulatorConfig, run_simulator

    with run_simulator(SimulatorConfig()) as sim:
        os.environ["DART_API_BASE_URL"] = sim.base_url
        os.environ.setdefault("DART_API_KEY", DEMO_KEY)
        get_settings.cache_clear()
        yield f"the bundled OpenDART simulator at {sim.base_url}"


def _job(name: str) -> dg.JobDefinition:
    from dart_assets.definitions import defs

    return defs.resolve_job_def(name)


def execute(instance: dg.DagsterInstance, name: str, partitions: str | tuple[str, str] | None = None) -> bool:
    """Run a job in this process; a (first, last) pair runs a partition range as one run,
    the way a single-run backfill does."""
    tags: dict[str, str] = {}
    partition_key = None
    if isinstance(partitions, tuple):
        tags = {ASSET_PARTITION_RANGE_START_TAG: partitions[0], ASSET_PARTITION_RANGE_END_TAG: partitions[1]}
        label = f"{name} [{partitions[0]}..{partitions[1]}]"
    else:
        partition_key = partitions
        label = name + (f" [{partitions}]" if partitions else "")
    print(f"  running {label} ...", flush=True)
    result = _job(name).execute_in_process(instance=instance, partition_key=partition_key, tags=tags, raise_on_error=False)
    print(f"  {label}: {'ok' if result.success else 'FAILED'} (run {result.run_id[:8]})", flush=True)
    return result.success


def table_counts() -> dict[str, int]:
    tables = [
        "dart_raw.corp_codes",
        "dart_raw.disclosures",
        "dart_raw.financial_accounts",
        "dart_ops.quarantine",
        "dart_marts.disclosure_impact_scores",
        "dart_marts.daily_disclosure_sentiment",
        "dart_marts.fear_greed_index",
    ]
    counts: dict[str, int] = {}
    with get_engine().connect() as conn:
        for table in tables:
            try:
                counts[table] = conn.execute(sa.text(f"select count(*) from {table}")).scalar_one()
            except sa.exc.ProgrammingError:
                conn.rollback()
                counts[table] = -1
    return counts


def main() -> int:
    first_day, last_day, weeks = demo_window(date.today())
    with data_source() as source, dg.DagsterInstance.get() as instance:
        print(f"dart-fg demo: data from {source}")
        ok = execute(instance, "dart_corp_codes")
        ok = execute(instance, "dart_daily", (first_day, last_day)) and ok
        for week in weeks:
            ok = execute(instance, "dart_weekly", week) and ok
    print("\nRows now in the warehouse:")
    for table, n in table_counts().items():
        print(f"  {table:42s} {n if n >= 0 else 'missing'}")
    print(
        "\nNext: `make dev` opens the Dagster UI at http://127.0.0.1:3000 (runs, asset lineage,"
        " checks, metadata);\n      `make docs` serves the dbt docs; `.venv/bin/dart-fg health` reports health."
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
