"""`dart-fg health` (JSON, exit code) and retention (`dart-fg retention run`, the Dagster job)."""

from __future__ import annotations

import gzip
import json
import os
import time
from pathlib import Path

import dagster as dg
import sqlalchemy as sa
from dagster._daemon.types import DaemonHeartbeat

from dart_assets.cli import main
from dart_assets.core.redaction import key_id
from dart_assets.core.settings import get_settings
from dart_assets.ops.retention import retention
from dart_assets.recovery import dead_letters
from dart_assets.sources.dart.breaker import CircuitBreaker


def _health(capsys, *args: str) -> tuple[int, dict]:
    code = main(["health", *args])
    return code, json.loads(capsys.readouterr().out)


def test_health_reports_each_part_and_fails_on_problems(dart_env, engine, capsys, monkeypatch) -> None:
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    code, report = _health(capsys)
    assert code == 0 and report["healthy"] is True
    assert report["database"] == {"status": "ok"}
    assert report["daemon"]["status"] == "unknown"
    assert report["breaker"]["state"] == "closed"
    assert report["quota"]["left"] == {key_id(get_settings().api_keys[0]): 10_000}
    assert report["assets"]["dart_raw/disclosures"] is None  # never loaded: reported, not unhealthy
    assert get_settings().api_keys[0] not in json.dumps(report)

    assert _health(capsys, "--require-daemon")[0] == 1

    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO dart_ops.partition_loads (asset_key, partition_key, fetched, loaded_at) VALUES "
                "('dart_raw/disclosures', '2026-11-10', 10, now() - interval '6 days'), "
                "('dart_raw/corp_codes', 'all', 10, now() - interval '1 day')"
            )
        )
    code, report = _health(capsys)
    assert code == 1
    assert report["assets"]["dart_raw/disclosures"]["last_partition"] == "2026-11-10"
    assert report["assets"]["dart_raw/corp_codes"]["age_s"] >= 86_000
    assert any("dart_raw/disclosures" in p for p in report["problems"])
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE dart_ops.partition_loads SET loaded_at = now()"))

    CircuitBreaker(engine, failure_threshold=1).record_failure("503 maintenance")
    code, report = _health(capsys)
    assert code == 1 and report["breaker"]["state"] == "open"
    CircuitBreaker(engine).record_success()

    letter = dead_letters.record_dead_letter(engine, "dart_daily", "2026-11-19", "r", "boom", attempts=13)
    code, report = _health(capsys)
    assert code == 1 and report["dead_letters"]["abandoned"] == 1
    dead_letters.resolve_manually(engine, [letter.id], "test", "done")
    assert _health(capsys)[0] == 0


def test_health_reads_the_daemon_heartbeat_from_the_instance(dart_env, capsys, monkeypatch) -> None:
    home = dart_env / "dagster_home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    code, report = _health(capsys)
    assert code == 1 and report["daemon"]["status"] == "stale"  # no daemon has ever run here

    with dg.DagsterInstance.get() as instance:
        for daemon in ("SCHEDULER", "SENSOR"):
            instance.add_daemon_heartbeat(DaemonHeartbeat(time.time(), daemon, None, None))
    code, report = _health(capsys)
    assert code == 0 and report["daemon"]["status"] == "ok"
    assert report["daemon"]["heartbeat_age_s"]["SENSOR"] < 60


def test_health_when_the_database_is_unreachable(dart_env, capsys, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody:secret-pw@127.0.0.1:1/none")
    get_settings.cache_clear()
    code, report = _health(capsys)
    assert code == 1 and report["database"]["status"] == "unreachable"
    assert "secret-pw" not in json.dumps(report)


def _old_rows(engine: sa.Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                """
                INSERT INTO dart_ops.quarantine (asset_key, partition_key, reason, payload, quarantined_at) VALUES
                  ('dart_raw/disclosures', '2020-01-02', 'bad', '{}', now() - interval '400 days'),
                  ('dart_raw/disclosures', '2026-11-02', 'bad', '{}', now());
                INSERT INTO dart_ops.alert_incidents
                  (incident_key, kind, status, summary, opened_at, resolved_at) VALUES
                  ('old', 'quota', 'resolved', 's', now() - interval '400 days', now() - interval '399 days'),
                  ('still-open', 'quota', 'open', 's', now() - interval '400 days', NULL);
                INSERT INTO dart_ops.dead_letters (job_name, partition_key, error, status, resolved_at) VALUES
                  ('dart_daily', '2020-01-02', 'e', 'resolved', now() - interval '400 days'),
                  ('dart_daily', '2020-01-03', 'e', 'open', NULL);
                INSERT INTO dart_ops.audit_log (actor, action, at) VALUES
                  ('a', 'x', now() - interval '4000 days'), ('a', 'y', now());
                """
            )
        )


def _count(engine: sa.Engine, table: str) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text(f"SELECT count(*) FROM dart_ops.{table}")).scalar_one()


def _archive(root: Path, days_old: float) -> Path:
    path = root / "dart_raw" / "disclosures" / f"2020-01-{int(days_old) % 28 + 1:02d}.jsonl.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(b'{"rcept_no": "1"}\n'))
    stamp = time.time() - days_old * 86400
    os.utime(path, (stamp, stamp))
    return path


def test_retention_cli_dry_run_then_run_keeps_live_rows(dart_env, engine, capsys, monkeypatch) -> None:
    archive = get_settings().archive_dir
    old_file, new_file = _archive(archive, 800), _archive(archive, 3)
    monkeypatch.setenv("DART_FG_RETENTION_ALERT_INCIDENTS_DAYS", "365")
    _old_rows(engine)

    assert main(["retention", "run", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "archives         would remove       1" in out and "alert_incidents  would remove       1" in out
    assert "quarantine" not in out
    assert old_file.exists() and _count(engine, "quarantine") == 2 and _count(engine, "audit_log") == 2

    assert main(["retention", "run", "--actor", "ops"]) == 0
    assert not old_file.exists() and new_file.exists()
    assert _count(engine, "quarantine") == 2  # the only copy of rejected rows: kept with dart_raw
    assert _count(engine, "alert_incidents") == 1  # the open one stays, however old
    assert _count(engine, "dead_letters") == 1  # the unresolved one stays
    with engine.connect() as conn:
        audit = conn.execute(sa.text("SELECT actor, action, details FROM dart_ops.audit_log ORDER BY id")).all()
    assert [a.action for a in audit] == ["y", "retention.run"]  # the 4000-day-old row went
    assert audit[-1].actor == "ops" and audit[-1].details["alert_incidents"] == 1


def test_retention_job_runs_in_dagster(dart_env, engine) -> None:
    _old_rows(engine)
    result = retention.execute_in_process()
    assert result.success
    assert _count(engine, "quarantine") == 2 and _count(engine, "dead_letters") == 1
