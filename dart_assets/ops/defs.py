"""Dagster definitions of the automation concern (merged in dart_assets/definitions.py).

Schedules, the run sensors' re-drive targets and the freshness policies refer to the pipeline
jobs and assets by name. `with_automation` refuses a pipeline that lacks one of those jobs:
dropping its schedule instead would silently switch automation off (a misspelt job name would
stop the daily load without anyone noticing), so the code location fails to load and says which
job is missing. A broken alert config fails the load the same way, naming the file and the
entry: the UI's code-location error and `dagster definitions validate` show it the moment a
deploy or restart introduces it, instead of a deployment running for weeks with alerts nobody
receives. (The sensors re-read the config at every tick; an edit that breaks it later sends
alerts to the log only and `dart-fg health` reports it, see alerts.channel_setup.)
"""

import dagster as dg

from dart_assets.alerting.alerts import check_alert_config
from dart_assets.alerting.freshness import apply_freshness_policies
from dart_assets.alerting.sensors import ALERT_SENSORS
from dart_assets.ops.retention import retention, retention_daily
from dart_assets.ops.sensors import OPS_SENSORS
from dart_assets.recovery.sensors import RECOVERY_SENSORS
from dart_assets.scheduling.schedules import PIPELINE_SCHEDULES, SCHEDULED_JOBS

# Evaluates the assets' automation conditions (the dbt models follow their inputs). Dagster's
# default sensor for them starts stopped; a fresh deployment should not need a click.
declarative_automation = dg.AutomationConditionSensorDefinition(
    "declarative_automation",
    target=dg.AssetSelection.all(),
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=60,
)


def build_defs() -> dg.Definitions:
    """Schedules, alert, re-drive and automation sensors, and the retention job (no pipeline jobs)."""
    return dg.Definitions(
        schedules=[*PIPELINE_SCHEDULES, retention_daily],
        sensors=[*ALERT_SENSORS, *RECOVERY_SENSORS, *OPS_SENSORS, declarative_automation],
        jobs=[retention],
    )


def with_automation(pipeline: dg.Definitions) -> dg.Definitions:
    """The pipeline's definitions plus automation, with freshness policies on its assets.

    Raises ValueError naming the scheduled jobs the pipeline does not define (Dagster itself
    would only notice when the repository is first resolved), and SettingsError when the alert
    config is broken.
    """
    check_alert_config()
    present = {job.name for job in pipeline.jobs or []}
    missing = sorted(set(SCHEDULED_JOBS) - present)
    if missing:
        raise ValueError(
            f"dart-fg automation: jobs {missing} are scheduled but not defined by the pipeline "
            f"(defined: {sorted(present)})"
        )
    return apply_freshness_policies(dg.Definitions.merge(pipeline, build_defs()))
