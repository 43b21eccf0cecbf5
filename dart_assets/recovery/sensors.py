"""Recovery sensors, RUNNING by default: final run failures become dead letters, later successes
settle them, and one re-drive sensor per pipeline job (a sensor targets jobs by name) relaunches
them once the DART circuit breaker is closed and a key has quota left.
"""

from __future__ import annotations

import dagster as dg
import sqlalchemy as sa
from dagster._core.storage.tags import RETRY_NUMBER_TAG, WILL_RETRY_TAG

from dart_assets.alerting.alerts import (
    Finding,
    clear_incident,
    load_channels,
    raise_incident,
    utc_now,
)
from dart_assets.alerting.channels import Channel
from dart_assets.alerting.config import Thresholds, runtime_thresholds
from dart_assets.core.redaction import redact_keys
from dart_assets.core.settings import Settings, get_settings
from dart_assets.recovery import dead_letters
from dart_assets.scheduling.schedules import PIPELINE_JOBS, TRIGGER_TAG, seoul_date
from dart_assets.sources.dart.breaker import breaker_status
from dart_assets.sources.http.quota import quota_allows, quota_usage
from dart_assets.warehouse.db import get_engine

RUNNING = dg.DefaultSensorStatus.RUNNING


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
        engine, run.job_name, partition, run.run_id, redact_keys(error), attempts=attempts
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
        f"{event.step_key}: {_root_cause(error)}"
        for event in context.get_step_failure_events()
        if event.event_specific_data and (error := getattr(event.event_specific_data, "error", None))
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


RECOVERY_SENSORS = [
    run_failure_alerts,
    run_success_settles_dead_letters,
    canceled_redrive_reopens_dead_letter,
    *(make_redrive_sensor(job) for job in PIPELINE_JOBS),
]
