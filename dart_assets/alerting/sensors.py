"""Alert sensors, all RUNNING by default (a fresh deployment alerts at once).

Each sensor computes which conditions are failing and which are passing now and hands both to
`alerts.reconcile`, so it alerts once when a condition starts and sends one recovery when it
clears, however often it ticks.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import cast

import dagster as dg
import sqlalchemy as sa
from dagster._core.definitions.assets.graph.asset_graph import AssetGraph
from dagster._core.storage.asset_check_execution_record import (
    AssetCheckExecutionRecord,
    AssetCheckExecutionRecordStatus,
)

from dart_assets.alerting.alerts import (
    Finding,
    channel_setup,
    deliver_outbox,
    load_channels,
    open_incidents,
    reconcile,
    utc_now,
)
from dart_assets.alerting.config import Thresholds, runtime_thresholds
from dart_assets.alerting.freshness import is_stale
from dart_assets.core.settings import Settings, get_settings
from dart_assets.scheduling.schedules import seoul_date
from dart_assets.sources.dart.breaker import BREAKER_NAME, breaker_status
from dart_assets.sources.http.quota import quota_usage
from dart_assets.warehouse.db import get_engine

RUNNING = dg.DefaultSensorStatus.RUNNING
CHECK_HISTORY = 200  # recent results read per check: a few months of daily partitions
MAX_LISTED = 100  # partitions named in one incident's details


# ---------------------------------------------------------------------------------------------
# Alert sensors that compare the present state with the open incidents.


def check_findings(instance: dg.DagsterInstance, graph: AssetGraph) -> tuple[dict[str, Finding], set[str]]:
    """One incident per check: failing while the latest result of any of its recent partitions
    failed (a passing partition must not hide a failing one, and a backfill whose checks fail
    on 200 days is one alert, not 200)."""
    failing: dict[str, Finding] = {}
    passing: set[str] = set()
    for check_key in sorted(graph.asset_check_keys, key=str):
        name = f"{check_key.asset_key.to_user_string()}:{check_key.name}"
        key = f"check:{name}"
        latest: dict[str | None, AssetCheckExecutionRecord] = {}
        for record in instance.event_log_storage.get_asset_check_execution_history(check_key, limit=CHECK_HISTORY):
            if record.status != AssetCheckExecutionRecordStatus.PLANNED:
                latest.setdefault(record.partition, record)
        failed = [r for r in latest.values() if r.status == AssetCheckExecutionRecordStatus.FAILED]
        if not failed:
            if latest:
                passing.add(key)
            continue
        newest = failed[0]
        evaluation: dg.AssetCheckEvaluation | None = None
        if newest.event:
            assert newest.event.dagster_event is not None  # a check evaluation is a Dagster event
            evaluation = cast(dg.AssetCheckEvaluation, newest.event.dagster_event.event_specific_data)
        blocking = bool(graph.get_check_spec(check_key).blocking)
        partitions = sorted(r.partition for r in failed if r.partition)
        where = f" for {len(partitions)} partition(s), latest {newest.partition}" if partitions else ""
        failing[key] = Finding(
            summary=f"asset check {name} failed{where}" + (" (blocking)" if blocking else ""),
            details={
                "asset_key": check_key.asset_key.to_user_string(),
                "check_name": check_key.name,
                "partitions": partitions[:MAX_LISTED],
                "blocking": blocking,
                "severity": evaluation.severity.value if evaluation else None,
                "description": evaluation.description if evaluation else None,
                "run_id": newest.run_id,
            },
        )
    return failing, passing


@dg.sensor(name="asset_check_alerts", minimum_interval_seconds=60, default_status=RUNNING)
def asset_check_alerts(context: dg.SensorEvaluationContext) -> dg.SkipReason:
    assert context.repository_def is not None  # Dagster evaluates a sensor within its repository
    failing, passing = check_findings(context.instance, context.repository_def.asset_graph)
    alerted, recovered = reconcile(get_engine(), load_channels(), "check_failed", failing, passing)
    return dg.SkipReason(f"{len(failing)} failing checks; alerted {alerted}, recovered {recovered}")


def freshness_findings(
    instance: dg.DagsterInstance, graph: AssetGraph, now: datetime
) -> tuple[dict[str, Finding], set[str]]:
    """Stale and fresh assets among those with a policy; never-materialized ones are left out,
    so a fresh deployment does not open an incident for every asset before its first run."""
    failing: dict[str, Finding] = {}
    passing: set[str] = set()
    for node in graph.asset_nodes:
        policy = node.freshness_policy
        if policy is None:
            continue
        event = instance.get_latest_materialization_event(node.key)
        if event is None:
            continue
        key = f"freshness:{node.key.to_user_string()}"
        last = datetime.fromtimestamp(event.timestamp, tz=UTC)
        if is_stale(policy, last, now):
            failing[key] = Finding(
                summary=f"{node.key.to_user_string()} is stale: last materialized {last.isoformat(timespec='seconds')}",
                details={
                    "asset_key": node.key.to_user_string(),
                    "last_materialized": last.isoformat(),
                    "policy": repr(policy),
                },
            )
        else:
            passing.add(key)
    return failing, passing


@dg.sensor(name="freshness_alerts", minimum_interval_seconds=300, default_status=RUNNING)
def freshness_alerts(context: dg.SensorEvaluationContext) -> dg.SkipReason:
    assert context.repository_def is not None  # Dagster evaluates a sensor within its repository
    failing, passing = freshness_findings(context.instance, context.repository_def.asset_graph, utc_now())
    alerted, recovered = reconcile(get_engine(), load_channels(), "freshness", failing, passing)
    return dg.SkipReason(f"{len(failing)} stale assets; alerted {alerted}, recovered {recovered}")


def quota_findings(
    engine: sa.Engine, settings: Settings, thresholds: Thresholds, now: datetime
) -> tuple[dict[str, Finding], set[str]]:
    """Keys at or above the alert share of today's budget; yesterday's incidents clear at the reset."""
    day = seoul_date(now)
    budget = settings.daily_call_budget
    failing: dict[str, Finding] = {}
    for key_id, row in quota_usage(engine, day).items():
        share = row["calls"] / budget
        if share >= thresholds.quota_ratio or row["exhausted"]:
            failing[f"quota:{key_id}"] = Finding(
                summary=f"DART key {key_id} used {row['calls']} of {budget} calls on {day} ({share:.0%})",
                details={
                    "key_id": key_id,
                    "calls": row["calls"],
                    "budget": budget,
                    "exhausted": row["exhausted"],
                    "day": day.isoformat(),
                },
            )
    return failing, set(open_incidents(engine, "quota")) - set(failing)


def breaker_findings(engine: sa.Engine) -> tuple[dict[str, Finding], set[str]]:
    """DART is down (the breaker opened after consecutive outage errors) until it closes again:
    one incident per outage, alerted within the sensor's interval instead of after the run
    has spent its retries (~12 minutes)."""
    breaker = breaker_status(engine)
    key = f"breaker:{BREAKER_NAME}"
    if breaker["state"] == "closed":
        return {}, {key}
    return {
        key: Finding(
            summary=(
                f"OpenDART looks down: circuit breaker {breaker['state']} since {breaker['opened_at']} after "
                f"{breaker['consecutive_failures']} consecutive failures; calls resume after the cool-down probe"
            ),
            details={k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in breaker.items()},
        )
    }, set()


@dg.sensor(
    name="breaker_alerts",
    minimum_interval_seconds=30,
    default_status=RUNNING,
    description="Alert when the DART circuit breaker opens (DART down) and again when it closes.",
)
def breaker_alerts(context: dg.SensorEvaluationContext) -> dg.SkipReason:
    engine = get_engine()
    failing, passing = breaker_findings(engine)
    alerted, recovered = reconcile(engine, load_channels(), "breaker_open", failing, passing)
    return dg.SkipReason(f"breaker {'open' if failing else 'closed'}; alerted {alerted}, recovered {recovered}")


@dg.sensor(
    name="alert_outbox",
    minimum_interval_seconds=30,
    default_status=RUNNING,
    description="Deliver the alert messages waiting in dart_ops.alert_outbox, within a time budget.",
)
def alert_outbox(context: dg.SensorEvaluationContext) -> dg.SkipReason:
    channels, problem = channel_setup()
    sent, failed = deliver_outbox(get_engine(), channels, drop_unconfigured=problem is None)
    held = f"; other channels wait for the config to be fixed ({problem})" if problem else ""
    return dg.SkipReason(f"delivered {sent} alert message(s); {failed} to retry later{held}")


@dg.sensor(name="quota_alerts", minimum_interval_seconds=120, default_status=RUNNING)
def quota_alerts(context: dg.SensorEvaluationContext) -> dg.SkipReason:
    engine = get_engine()
    failing, passing = quota_findings(engine, get_settings(), runtime_thresholds(), utc_now())
    alerted, recovered = reconcile(engine, load_channels(), "quota", failing, passing)
    return dg.SkipReason(f"{len(failing)} keys over the threshold; alerted {alerted}, recovered {recovered}")


def completeness_findings(
    engine: sa.Engine, thresholds: Thresholds, now: datetime
) -> tuple[dict[str, Finding], set[str]]:
    """One incident per asset whose partitions hold fewer rows (stored + quarantined) than DART's
    total_count. Looks at recent loads plus the partitions an open incident listed, so an old
    incident still recovers when its partitions are reloaded later."""
    tracked = open_incidents(engine, "completeness")
    recheck = sorted({f"{d['asset_key']}|{p}" for d in tracked.values() for p in d.get("partitions", [])})
    with engine.connect() as conn:
        rows = (
            conn.execute(
                sa.text(
                    """
                SELECT asset_key, partition_key, total_count, fetched FROM dart_ops.partition_loads
                 WHERE total_count IS NOT NULL
                   AND (loaded_at >= :since OR asset_key || '|' || partition_key = ANY(:recheck))
                 ORDER BY asset_key, partition_key
                """
                ),
                {"since": now - timedelta(days=thresholds.completeness_lookback_days), "recheck": recheck},
            )
            .mappings()
            .all()
        )
    short: dict[str, list[dict]] = {}
    for row in rows:
        ratio = row["fetched"] / row["total_count"] if row["total_count"] else 1.0
        if ratio < thresholds.completeness_target:
            short.setdefault(row["asset_key"], []).append({**row, "ratio": round(ratio, 4)})
    failing = {
        f"completeness:{asset}": Finding(
            summary=(
                f"{asset}: {len(gaps)} partition(s) incomplete, e.g. {gaps[0]['partition_key']} has "
                f"{gaps[0]['fetched']} of the {gaps[0]['total_count']} rows DART reported"
            ),
            details={
                "asset_key": asset,
                "partitions": [g["partition_key"] for g in gaps][:MAX_LISTED],
                "examples": gaps[:5],
                "target": thresholds.completeness_target,
            },
        )
        for asset, gaps in short.items()
    }
    evaluated = {f"completeness:{row['asset_key']}" for row in rows} | set(tracked)
    return failing, evaluated - set(failing)


@dg.sensor(name="completeness_alerts", minimum_interval_seconds=300, default_status=RUNNING)
def completeness_alerts(context: dg.SensorEvaluationContext) -> dg.SkipReason:
    engine = get_engine()
    failing, passing = completeness_findings(engine, runtime_thresholds(), utc_now())
    alerted, recovered = reconcile(engine, load_channels(), "completeness", failing, passing)
    return dg.SkipReason(f"{len(failing)} assets with incomplete partitions; alerted {alerted}, recovered {recovered}")


ALERT_SENSORS = [
    alert_outbox,
    asset_check_alerts,
    freshness_alerts,
    quota_alerts,
    breaker_alerts,
    completeness_alerts,
]
