"""The DART key never leaves the process: not in logs, exceptions, run metadata, the
database (warehouse and Dagster's own storage, which is what the UI shows), the archives or
the health report — including runs that fail and retry."""

from __future__ import annotations

import logging
from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy as sa
from dagster._serdes import serialize_value

from dart_assets.cli import main as dart_fg
from dart_assets.ingestion.defs import defs
from dart_assets.ingestion.partitions import CORP_CODES_KEY, DISCLOSURES_KEY
from dart_assets.settings import get_settings
from dart_assets.simulator.server import Faults, SimulatorConfig, run_simulator

SECRET = "Zq9XsEcReT" * 4  # 40 alphanumerics, easy to spot in any text


def _database_text(url: str) -> str:
    """Every row of every table outside the system schemas, as text."""
    engine = sa.create_engine(url)
    parts = []
    with engine.connect() as conn:
        tables = conn.execute(
            sa.text(
                "select table_schema, table_name from information_schema.tables "
                "where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')"
            )
        ).all()
        for schema, table in tables:
            rows = conn.execute(sa.text(f'select t::text from "{schema}"."{table}" t')).scalars()
            parts.extend(rows)
    engine.dispose()
    assert len(tables) > 20, "expected the warehouse and Dagster's storage in one database"
    return "\n".join(parts)


def _files_text(root: Path) -> str:
    import gzip

    texts = []
    for path in root.rglob("*"):
        if path.is_file():
            opener = gzip.open if path.suffix == ".gz" else open
            with opener(path, "rt", errors="replace") as handle:
                texts.append(handle.read())
    return "\n".join(texts)


def test_key_appears_nowhere_after_good_and_failing_runs(
    dart_env: Path, db_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, capsys
) -> None:
    caplog.set_level(logging.DEBUG)
    faults = Faults(error_rate=0.2, malformed_rate=0.1)
    assets = {a.key: a for a in defs.assets}
    with run_simulator(SimulatorConfig(faults=faults, valid_keys={SECRET}, daily_volume=120, seed=7)) as sim, \
            dg.instance_for_test(overrides={"storage": {"postgres": {"postgres_url": db_url}}}) as instance:
        monkeypatch.setenv("DART_API_BASE_URL", sim.base_url)
        monkeypatch.setenv("DART_API_KEY", SECRET)
        monkeypatch.setenv("DART_FG_REQUESTS_PER_SECOND", "1000")
        get_settings.cache_clear()
        good = dg.materialize(
            [assets[DISCLOSURES_KEY]], resources=defs.resources, instance=instance, partition_key="2026-09-15"
        )
        assert good.success
        corp = dg.materialize([assets[CORP_CODES_KEY]], resources=defs.resources, instance=instance)
        assert corp.success
        # Failing runs: the daily quota runs out, then DART stops answering at all.
        sim.config.faults = Faults(quota=1)
        sim.reset_quota()
        quota = dg.materialize(
            [assets[DISCLOSURES_KEY]], resources=defs.resources, instance=instance,
            partition_key="2026-09-16", raise_on_error=False,
        )
        sim.config.faults = Faults(maintenance=True)
        down = dg.materialize(
            [assets[DISCLOSURES_KEY]], resources=defs.resources, instance=instance,
            partition_key="2026-09-17", raise_on_error=False,
        )
        assert not quota.success and not down.success
        events = [serialize_value(entry) for run in (good, corp, quota, down) for entry in instance.all_logs(run.run_id)]
        failures = [str(e.step_failure_data.error) for r in (quota, down) for e in r.get_step_failure_events()]
    assert any("quota" in f.lower() for f in failures), failures
    assert dart_fg(["health"]) in (0, 1)
    output = capsys.readouterr()

    texts = {
        "log records": "\n".join(caplog.handler.format(r) for r in caplog.records),
        "dagster events and run metadata": "\n".join(events),
        "step failures": "\n".join(failures),
        "database (warehouse + Dagster storage)": _database_text(db_url),
        "archives and local state": _files_text(dart_env / "home"),
        "cli output": output.out + output.err,
    }
    assert texts["database (warehouse + Dagster storage)"], "nothing was stored"
    leaks = [where for where, text in texts.items() if SECRET in text]
    assert not leaks, f"the DART key leaked into: {leaks}"
