"""`dart-fg health`: one JSON report for monitors, healthy only when nothing needs a person.

Unhealthy: the database is unreachable; the alert config is broken (alerts reach the log only);
the Dagster daemon's scheduler or sensor loop has not beaten for HEARTBEAT_TOLERANCE, or a
running sensor's last tick failed (both when DAGSTER_HOME is set); an asset's last load is older
than its MAX_AGE; the DART circuit breaker is open; a dead letter was abandoned. Reported but not
unhealthy: quota use (a spent key heals at midnight), open dead letters (the sensor re-drives
them), assets never loaded yet (a fresh deployment), and the daemon when DAGSTER_HOME is unset
("unknown": this process cannot know which instance to ask; `--require-daemon` makes it count).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from dart_assets.alerting.alerts import check_alert_config
from dart_assets.core.partitions import CORP_CODES_KEY, DISCLOSURES_KEY, FINANCIAL_ACCOUNTS_KEY, MAJOR_EVENTS_KEY
from dart_assets.core.settings import Settings, SettingsError
from dart_assets.ops.sensor_ticks import failed_sensor_ticks
from dart_assets.recovery.dead_letters import dead_letter_counts
from dart_assets.scheduling.schedules import seoul_date
from dart_assets.sources.dart.breaker import breaker_status
from dart_assets.sources.http.quota import quota_left, quota_usage
from dart_assets.sources.loaders import last_loads
from dart_assets.sources.market.assets import MARKET_KEYS

HEARTBEAT_TOLERANCE = timedelta(minutes=5)
REQUIRED_DAEMONS = ("SCHEDULER", "SENSOR")
# Longest normal gap between loads: a long weekend for the daily assets (market data lands
# Tuesday to Saturday mornings), a week plus a day for weekly ones.
MAX_AGE: dict[str, timedelta] = {
    DISCLOSURES_KEY.to_user_string(): timedelta(days=4),
    MAJOR_EVENTS_KEY.to_user_string(): timedelta(days=4),
    **{key.to_user_string(): timedelta(days=4) for key in MARKET_KEYS},
    FINANCIAL_ACCOUNTS_KEY.to_user_string(): timedelta(days=8),
    CORP_CODES_KEY.to_user_string(): timedelta(days=8),
}


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def alerts_report() -> tuple[dict[str, Any], list[str]]:
    """The alert config as the sensors will read it (this check runs with the daemon's environment)."""
    try:
        channels = check_alert_config()
    except SettingsError as exc:  # the message names files and variables, never their values
        return {"status": "invalid", "error": str(exc)}, [f"{exc}; alerts reach the log only"]
    return {"status": "ok", "channels": [c.name for c in channels]}, []


def daemon_report(now: datetime) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """The daemon's heartbeats and the sensors whose last tick failed, from the Dagster instance."""
    if not os.environ.get("DAGSTER_HOME"):
        unknown = {"status": "unknown", "reason": "DAGSTER_HOME is not set"}
        return unknown, dict(unknown), []
    from dagster import DagsterInstance

    try:
        with DagsterInstance.get() as instance:
            heartbeats = instance.get_daemon_heartbeats()
            failed = failed_sensor_ticks(instance, now)
    except Exception as exc:  # a broken instance config is a finding, not a crash
        error = {"status": "error", "error": f"{type(exc).__name__}: {exc}"[:500]}
        return error, {"status": "error"}, ["dagster instance unreadable"]
    ages = {name: round(now.timestamp() - hb.timestamp, 1) for name, hb in heartbeats.items()}
    problems = [
        f"daemon {name} heartbeat missing or older than {HEARTBEAT_TOLERANCE}"
        for name in REQUIRED_DAEMONS
        if ages.get(name) is None or ages[name] > HEARTBEAT_TOLERANCE.total_seconds()
    ]
    daemon = {"status": "ok" if not problems else "stale", "heartbeat_age_s": ages}
    problems += [f"sensor {name}: last tick failed at {tick['at']}: {tick['error']}" for name, tick in failed.items()]
    return daemon, {"status": "failing" if failed else "ok", "failed_last_tick": failed}, problems


def assets_report(conn: sa.Connection, now: datetime) -> tuple[dict[str, Any], list[str]]:
    rows = last_loads(conn)
    report: dict[str, Any] = {key: None for key in MAX_AGE}
    problems = []
    for row in rows:
        age = now - row["loaded_at"]
        report[row["asset_key"]] = {
            "last_partition": row["partition_key"],
            "loaded_at": row["loaded_at"].isoformat(),
            "age_s": round(age.total_seconds()),
        }
        limit = MAX_AGE.get(row["asset_key"])
        if limit is not None and age > limit:
            problems.append(f"{row['asset_key']}: last load {age} ago (limit {limit})")
    return report, problems


def dead_letters_report(conn: sa.Connection) -> tuple[dict[str, Any], list[str]]:
    counts = dead_letter_counts(conn)
    report = {status: counts.get(status, 0) for status in ("open", "redriving", "abandoned")}
    problems = [f"{report['abandoned']} abandoned dead letter(s)"] if report["abandoned"] else []
    return report, problems


def _warehouse_state(engine: sa.Engine, settings: Settings, now: datetime, report: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    with engine.connect() as conn:
        report["assets"], found = assets_report(conn, now)
        problems += found
        report["dead_letters"], found = dead_letters_report(conn)
        problems += found
    usage = quota_usage(engine, seoul_date(now))
    report["quota"] = {
        "budget_per_key": settings.daily_call_budget,
        "left": quota_left(settings, usage),
        "used": {k: v["calls"] for k, v in usage.items()},
        "market_used": {k: v["calls"] for k, v in quota_usage(engine, seoul_date(now), market=True).items()},
    }
    report["breaker"] = breaker = {k: _iso(v) for k, v in breaker_status(engine).items()}
    if breaker["state"] == "open":
        problems.append(f"DART circuit breaker open since {breaker['opened_at']}")
    return problems


def build_report(engine: sa.Engine, settings: Settings, require_daemon: bool = False) -> dict[str, Any]:
    now = datetime.now(UTC)
    report: dict[str, Any] = {"checked_at": now.isoformat()}
    problems: list[str] = []
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        report["database"] = {"status": "ok"}
    except sa.exc.SQLAlchemyError as exc:
        report["database"] = {"status": "unreachable", "error": type(exc).__name__}
        problems.append("database unreachable")
    if report["database"]["status"] == "ok":
        try:
            problems += _warehouse_state(engine, settings, now, report)
        except sa.exc.ProgrammingError:
            report["database"] = {"status": "schema_missing"}
            problems.append("dart_ops tables missing: run `dart-fg db upgrade`")
    report["alerts"], found = alerts_report()
    problems += found
    report["daemon"], report["sensors"], found = daemon_report(now)
    problems += found
    if require_daemon and report["daemon"]["status"] == "unknown":
        problems.append("daemon heartbeat unknown (DAGSTER_HOME is not set)")
    report["problems"] = problems
    report["healthy"] = not problems
    return report
