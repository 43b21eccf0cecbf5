"""Retention: old raw archives and operational rows are removed on a schedule.

Periods (days) come from the operations config (dart_assets.alerting.config). Only history is
removed: open incidents, unresolved dead letters and the rows that describe the current state
(the quarantine, partition_loads: see config.KEPT_WITH_RAW) are never touched. Archives are
judged by file age (when the response was fetched), not by the partition date, so a fresh
backfill of 2015 is kept as long as any other download.
"""

import time
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import sqlalchemy as sa

from dart_assets.alerting.config import load_ops_config
from dart_assets.core.settings import get_settings
from dart_assets.warehouse.db import get_engine

# target -> (table, age column, extra condition that keeps live rows)
TABLE_TARGETS: dict[str, tuple[str, str, str]] = {
    "alert_incidents": ("dart_ops.alert_incidents", "resolved_at", "status = 'resolved'"),
    "audit_log": ("dart_ops.audit_log", "at", "TRUE"),
    "dead_letters": ("dart_ops.dead_letters", "resolved_at", "status = 'resolved'"),
}


@dataclass(frozen=True)
class RetentionResult:
    target: str
    days: int
    removed: int


def prune_archives(archive_dir: Path, days: int, dry_run: bool, now: float | None = None) -> int:
    """Delete `*.jsonl.gz` older than `days` under archive_dir (and directories left empty)."""
    if not archive_dir.is_dir():
        return 0
    cutoff = (now or time.time()) - days * 86400
    old = [p for p in archive_dir.rglob("*.jsonl.gz") if p.stat().st_mtime < cutoff]
    if not dry_run:
        for path in old:
            path.unlink()
        for folder in sorted((d for d in archive_dir.rglob("*") if d.is_dir()), key=lambda d: -len(d.parts)):
            if not any(folder.iterdir()):
                folder.rmdir()
    return len(old)


def prune_table(conn: sa.Connection, target: str, days: int, dry_run: bool) -> int:
    table, column, keep_live = TABLE_TARGETS[target]
    where = f"{column} < now() - make_interval(days => :days) AND {keep_live}"
    if dry_run:
        return conn.execute(sa.text(f"SELECT count(*) FROM {table} WHERE {where}"), {"days": days}).scalar_one()
    return conn.execute(sa.text(f"DELETE FROM {table} WHERE {where}"), {"days": days}).rowcount


def run_retention(
    engine: sa.Engine, archive_dir: Path, periods: dict[str, int], dry_run: bool
) -> list[RetentionResult]:
    """Apply every period; the table deletions commit together (or not at all)."""
    results = [
        RetentionResult("archives", periods["archives"], prune_archives(archive_dir, periods["archives"], dry_run))
    ]
    with engine.begin() as conn:
        for target in TABLE_TARGETS:
            results.append(
                RetentionResult(target, periods[target], prune_table(conn, target, periods[target], dry_run))
            )
    return results


@dg.op(description="Remove archives and operational rows older than their retention periods.")
def apply_retention(context: dg.OpExecutionContext) -> dg.Output[int]:
    results = run_retention(get_engine(), get_settings().archive_dir, load_ops_config().retention_days, dry_run=False)
    for result in results:
        context.log.info(f"retention {result.target}: removed {result.removed} older than {result.days} days")
    return dg.Output(
        sum(r.removed for r in results),
        metadata={f"{r.target}_removed": r.removed for r in results},
    )


@dg.job(description="Daily retention of raw archives and dart_ops history.", tags={"dart_fg/concern": "automation"})
def retention() -> None:
    apply_retention()


retention_daily = dg.ScheduleDefinition(
    name="retention_daily",
    job=retention,
    cron_schedule="30 4 * * *",
    execution_timezone="Asia/Seoul",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Retention at 04:30 Asia/Seoul, clear of the pipeline schedules.",
)
