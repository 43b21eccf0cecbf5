"""Dagster definitions of the automation concern (merged in dart_assets/definitions.py).

Schedules, the run sensors' re-drive targets and the freshness policies refer to the pipeline
jobs and assets by name. `defs` holds all of it; `with_automation` merges it into the other
concerns' definitions, keeping only the schedules and re-drive sensors whose job exists there
(with a warning), so the code location still loads while a job is missing.
"""

import warnings
from collections.abc import Iterable

import dagster as dg

from dart_assets.automation.freshness import apply_freshness_policies
from dart_assets.automation.retention import retention, retention_daily
from dart_assets.automation.schedules import PIPELINE_JOBS, PIPELINE_SCHEDULES, SCHEDULED_JOBS
from dart_assets.automation.sensors import ALERT_SENSORS, make_redrive_sensor


def build_defs(job_names: Iterable[str] = SCHEDULED_JOBS) -> dg.Definitions:
    """Automation for the given jobs (all of them by default)."""
    jobs = set(job_names)
    return dg.Definitions(
        schedules=[s for s in PIPELINE_SCHEDULES if s.job_name in jobs] + [retention_daily],
        sensors=[*ALERT_SENSORS, *(make_redrive_sensor(j) for j in PIPELINE_JOBS if j in jobs)],
        jobs=[retention],
    )


def with_automation(pipeline: dg.Definitions) -> dg.Definitions:
    """The pipeline's definitions plus automation, with freshness policies on its assets."""
    present = {job.name for job in pipeline.jobs or []}
    missing = sorted(set(SCHEDULED_JOBS) - present)
    if missing:
        warnings.warn(f"dart-fg automation: jobs {missing} are not defined; their schedules and re-drives are off")
    return apply_freshness_policies(dg.Definitions.merge(pipeline, build_defs(present)))


defs = build_defs()
