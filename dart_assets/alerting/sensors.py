"""Alert and self-healing sensors, all RUNNING by default (a fresh deployment alerts at once).

Each alert sensor computes which conditions are failing and which are passing now and hands
both to `alerts.reconcile`, so it alerts once when a condition starts and sends one recovery
when it clears, however often it ticks. The run sensors turn final failures into dead letters
and settle them when a later run of the same job and partition succeeds; the re-drive sensors
(one per pipeline job, since a sensor targets jobs by name) relaunch them once the DART
circuit breaker is closed and a key has quota left.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import dagster as dg
import sqlalchemy as sa
from dagster._core.definitions.assets.graph.asset_graph import AssetGraph
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus
from dagster._core.storage.tags import RETRY_NUMBER_TAG, WILL_RETRY_TAG

from dart_assets.recovery import dead_letters
from dart_assets.alerting.alerts import (
    Finding,
    channel_setup,
    clear_incident,
    deliver_outbox,
    load_channels,
    open_incidents,
    raise_incident,
    reconcile,
    utc_now,
)
from dart_assets.warehouse.audit import record_action
from dart_assets.alerting.channels import Channel, redact
from dart_assets.alerting.config import Thresholds, runtime_thresholds
from dart_assets.alerting.freshness import is_stale
from dart_assets.scheduling.schedules import TRIGGER_TAG, seoul_date
from dart_assets.ops.state import BREAKER_NAME, breaker_status, quota_allows, quota_usage
from dart_assets.core.redaction import key_id
from dart_assets.core.settings import Settings, get_settings
from dart_assets.warehouse.db import get_engine

RUNNING = dg.DefaultSensorStatus.RUNNING
CHECK_HISTORY = 200  # recent results read per check: a few months of daily partitions
MAX_LISTED = 100  # partitions named in one incident's details


# ---------------------------------------------------------------------------------------------
# Run failures -> dead letters and alerts; successes settle them.


def handle_run_failure(
    engine: sa.Engine, channels: list[Channel], run: dg.DagsterRun, error: str
) -> dead_letters.DeadLetter | None:
    """Record a final failure; a run Dagster will retry is left alone (its retry decides)."""
    if run.tags.get(WILL_RETRY_TAG) == "true":
        return None
    partition = dead_letters.partition_of_tags(run.tags)
    attempts = int(run.tags.get(RETRY_NUMBER_TAG, 0)) + 1
    letter = dead_letters.record_dead_letter(
        engine, run.job_name, partition, run.run_id, redact(error), attempts=attempts
    )
    where = f" for partition {partition}" if partition else ""
    raise_incident(
        engine,
        channels,
        dead_letters.run_incident_key(run.job_name, partition),
        "run_failure",
        Finding(
            summary=f"{run.job_name} failed{where} after {letter.attempts} attempt(s); dead letter #{letter.id}",
            details={
                "job_name": run.job_name,
                "partition_key": partition,
                "run_id": run.run_id,
                "dead_letter_id": letter.id,
                "dead_letter_status": letter.status,
                "error": error[:1000],
            },
        ),
    )
    if letter.status == "abandoned":
        raise_incident(
            engine,
            channels,
            dead_letters.abandoned_incident_key(letter.id),
            "dead_letter_abandoned",
            Finding(
                summary=(
                    f"dead letter #{letter.id} ({run.job_name}{where}) abandoned after {letter.attempts} attempts: "
                    "re-drives stopped, an operator must decide (dart-fg dead-letters redrive|resolve)"
                ),
                details={"dead_letter_id": letter.id, "job_name": run.job_name, "partition_key": partition},
            ),
        )
    return letter


def handle_run_success(engine: sa.Engine, channels: list[Channel], run: dg.DagsterRun) -> list[int]:
    """Resolve the letters this run covers and send the recovery for their incidents."""
    partition = dead_letters.partition_of_tags(run.tags)
    settled = dead_letters.resolve_for_run(engine, run.job_name, partition, run.run_id)
    note = f"run {run.run_id} succeeded"
    for key in {partition, *(p for _, p in settled)}:
        clear_incident(engine, channels, dead_letters.run_incident_key(run.job_name, key), note=note)
    for letter_id, _ in settled:
        clear_incident(engine, channels, dead_letters.abandoned_incident_key(letter_id), note=note)
    return [letter_id for letter_id, _ in settled]


def _root_cause(error) -> str:
    """The user's exception, not Dagster's "Error occurred while executing op" wrapper."""
    while error.cause is not None:
        error = error.cause
    return f"{error.cls_name}: {error.message.strip()}" if error.cls_name else error.message.strip()


def _failure_text(context: dg.RunFailureSensorContext) -> str:
    steps = [
        f"{event.step_key}: {_root_cause(event.event_specific_data.error)}"
        for event in context.get_step_failure_events()
        if event.event_specific_data and getattr(event.event_specific_data, "error", None)
    ]
    return "\n".join(steps) or (context.failure_event.message or "run failed")


@dg.run_failure_sensor(
    name="run_failure_alerts",
    default_status=RUNNING,
    minimum_interval_seconds=30,
    description="Alert once per failing job partition and record a dead letter once run retries are spent.",
)
def run_failure_alerts(context: dg.RunFailureSensorContext) -> None:
    letter = handle_run_failure(get_engine(), load_channels(), context.dagster_run, _failure_text(context))
    context.log.info("retry pending" if letter is None else f"dead letter #{letter.id} ({letter.status})")


@dg.run_status_sensor(
    name="run_success_settles_dead_letters",
    run_status=dg.DagsterRunStatus.SUCCESS,
    default_status=RUNNING,
    minimum_interval_seconds=30,
    description="Resolve dead letters (and their incidents) when a run of the same partition succeeds.",
)
def run_success_settles_dead_letters(context: dg.RunStatusSensorContext) -> None:
    resolved = handle_run_success(get_engine(), load_channels(), context.dagster_run)
    if resolved:
        context.log.info(f"resolved dead letters {resolved}")


def handle_run_canceled(engine: sa.Engine, run: dg.DagsterRun) -> int | None:
    """A cancelled re-drive re-opens its letter; the id when it did."""
    letter_id = run.tags.get(dead_letters.DEAD_LETTER_TAG)
    if letter_id is None or not dead_letters.reopen_canceled(engine, int(letter_id)):
        return None
    return int(letter_id)


@dg.run_status_sensor(
    name="canceled_redrive_reopens_dead_letter",
    run_status=dg.DagsterRunStatus.CANCELED,
    default_status=RUNNING,
    minimum_interval_seconds=30,
    description="A cancelled dead-letter re-drive leaves its letter open for the next re-drive.",
)
def canceled_redrive_reopens_dead_letter(context: dg.RunStatusSensorContext) -> None:
    reopened = handle_run_canceled(get_engine(), context.dagster_run)
    if reopened is not None:
        context.log.info(f"re-opened dead letter #{reopened} after its re-drive was cancelled")


# ---------------------------------------------------------------------------------------------
# Re-drive.


def redrive_requests(
    engine: sa.Engine, settings: Settings, thresholds: Thresholds, job_name: str
) -> list[dg.RunRequest] | dg.SkipReason:
    breaker = breaker_status(engine)
    if breaker["state"] != "closed":
        return dg.SkipReason(f"DART circuit breaker is {breaker['state']}: re-drives wait")
    if not quota_allows(settings, quota_usage(engine, seoul_date(utc_now())), thresholds.quota_ratio):
        return dg.SkipReason(f"every key used {thresholds.quota_ratio:.0%} of today's budget: re-drives wait")
    due = dead_letters.due_for_redrive(engine, job_name)
    if not due:
        return dg.SkipReason(f"no dead letters of {job_name} are due")
    requests = []
    for letter in due:
        # Keyed on the attempt's time: a re-drive that was cancelled (or lost) must be able to
        # run again, and Dagster skips a RunRequest whose run_key it has seen.
        run_key = f"dead-letter-{letter.id}-{letter.attempts}-{utc_now():%Y%m%dT%H%M%S.%f}"
        dead_letters.mark_redriving(engine, letter.id, run_key)
        requests.append(
            dg.RunRequest(
                run_key=run_key,
                job_name=job_name,
                tags={
                    **dead_letters.tags_for_partition(letter.partition_key),
                    dead_letters.DEAD_LETTER_TAG: str(letter.id),
                    TRIGGER_TAG: "dead_letter_redrive",
                },
            )
        )
    return requests


def make_redrive_sensor(job_name: str) -> dg.SensorDefinition:
    @dg.sensor(
        name=f"{job_name}_dead_letter_redrive",
        job_name=job_name,
        minimum_interval_seconds=300,
        default_status=RUNNING,
        description=f"Relaunch dead letters of {job_name} when the breaker is closed and quota allows.",
    )
    def _redrive(context: dg.SensorEvaluationContext):
        return redrive_requests(get_engine(), get_settings(), runtime_thresholds(), job_name)

    return _redrive


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
        latest: dict[str | None, object] = {}
        for record in instance.event_log_storage.get_asset_check_execution_history(check_key, limit=CHECK_HISTORY):
            if record.status != AssetCheckExecutionRecordStatus.PLANNED:
                latest.setdefault(record.partition, record)
        failed = [r for r in latest.values() if r.status == AssetCheckExecutionRecordStatus.FAILED]
        if not failed:
            if latest:
                passing.add(key)
            continue
        newest = failed[0]
        evaluation = newest.event.dagster_event.event_specific_data if newest.event else None
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
        last = datetime.fromtimestamp(event.timestamp, tz=timezone.utc)
        if is_stale(policy, last, now):
            failing[key] = Finding(
                summary=f"{node.key.to_user_string()} is stale: last materialized {last.isoformat(timespec='seconds')}",
                details={"asset_key": node.key.to_user_string(), "last_materialized": last.isoformat(), "policy": repr(policy)},
            )
        else:
            passing.add(key)
    return failing, passing


@dg.sensor(name="freshness_alerts", minimum_interval_seconds=300, default_status=RUNNING)
def freshness_alerts(context: dg.SensorEvaluationContext) -> dg.SkipReason:
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
                details={"key_id": key_id, "calls": row["calls"], "budget": budget, "exhausted": row["exhausted"], "day": day.isoformat()},
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
        rows = conn.execute(
            sa.text(
                """
                SELECT asset_key, partition_key, total_count, fetched FROM dart_ops.partition_loads
                 WHERE total_count IS NOT NULL
                   AND (loaded_at >= :since OR asset_key || '|' || partition_key = ANY(:recheck))
                 ORDER BY asset_key, partition_key
                """
            ),
            {"since": now - timedelta(days=thresholds.completeness_lookback_days), "recheck": recheck},
        ).mappings().all()
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


# ---------------------------------------------------------------------------------------------
# Audit of operator actions that happen outside dart-fg (whose commands audit themselves):
# backfills launched from the Dagster UI or CLI, and DART key rotations.


def backfill_details(backfill) -> dict:
    """What a backfill covers, for the audit log: assets (or job) and its partition range."""
    if backfill.asset_backfill_data is not None:
        subset = backfill.asset_backfill_data.target_subset
        targets = sorted(k.to_user_string() for k in subset.asset_keys)
        partitions = sorted({ap.partition_key for ap in subset.iterate_asset_partitions() if ap.partition_key})
    else:
        targets = [backfill.job_name] if backfill.job_name else []
        partitions = sorted(backfill.partition_names or [])
    return {
        "targets": targets,
        "partitions": len(partitions),
        "first_partition": partitions[0] if partitions else None,
        "last_partition": partitions[-1] if partitions else None,
        "title": backfill.title,
        "launched_at": datetime.fromtimestamp(backfill.backfill_timestamp, tz=timezone.utc).isoformat(),
    }


def audit_new_backfills(engine: sa.Engine, instance: dg.DagsterInstance, limit: int = 50) -> list[str]:
    """Record each backfill not audited yet; returns their ids. Dagster OSS keeps no user name,
    so the actor is the `dagster/user` tag when a launcher sets one, else "dagster"."""
    backfills = instance.get_backfills(limit=limit)
    targets = [f"backfill:{b.backfill_id}" for b in backfills]
    with engine.begin() as conn:
        seen = set(
            conn.execute(
                sa.text("SELECT target FROM dart_ops.audit_log WHERE action = 'backfill.launched' AND target = ANY(:t)"),
                {"t": targets},
            ).scalars()
        )
        new = [b for b, target in zip(backfills, targets) if target not in seen]
        for backfill in reversed(new):  # oldest first, so the log reads in launch order
            actor = backfill.tags.get("dagster/user") or "dagster"
            record_action(conn, actor, "backfill.launched", f"backfill:{backfill.backfill_id}", backfill_details(backfill))
    return [b.backfill_id for b in new]


def audit_key_changes(engine: sa.Engine, settings: Settings) -> dict | None:
    """Record a change of the configured DART keys (by fingerprint: never the keys).

    Rotation is an edit of DART_API_KEYS plus a restart, so the change is observed here, where
    the code location runs with the deployment's environment; the first observation is logged
    too (everything "added"). Returns the recorded details, or None when nothing changed.
    """
    current = sorted({key_id(k) for k in settings.api_keys})
    with engine.begin() as conn:
        last = conn.execute(
            sa.text("SELECT details FROM dart_ops.audit_log WHERE action = 'api_keys.changed' ORDER BY id DESC LIMIT 1")
        ).scalar()
        previous = last["fingerprints"] if last else []
        if last is not None and previous == current:
            return None
        details = {
            "fingerprints": current,
            "added": sorted(set(current) - set(previous)),
            "removed": sorted(set(previous) - set(current)),
        }
        record_action(conn, "deployment config", "api_keys.changed", "DART_API_KEYS", details)
    return details


@dg.sensor(name="operator_audit", minimum_interval_seconds=60, default_status=RUNNING)
def operator_audit(context: dg.SensorEvaluationContext) -> dg.SkipReason:
    """Backfills launched in Dagster and DART key rotations, into dart_ops.audit_log."""
    engine = get_engine()
    audited = audit_new_backfills(engine, context.instance)
    keys = audit_key_changes(engine, get_settings())
    return dg.SkipReason(f"audited backfills {audited}; key change {keys}")


ALERT_SENSORS = [
    alert_outbox,
    run_failure_alerts,
    run_success_settles_dead_letters,
    canceled_redrive_reopens_dead_letter,
    asset_check_alerts,
    freshness_alerts,
    quota_alerts,
    breaker_alerts,
    completeness_alerts,
    operator_audit,
]
