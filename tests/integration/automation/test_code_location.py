"""The real code location: every concern merged, every job resolvable, and the partitions the
schedules and re-drives ask for exist in the jobs they target."""

from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from dart_assets.scheduling.schedules import (
    PIPELINE_JOBS,
    SCHEDULED_JOBS,
    dart_daily_catchup,
    dart_daily_evening,
    dart_weekly_sunday,
)

SEOUL = ZoneInfo("Asia/Seoul")


@pytest.fixture(scope="module")
def repo() -> dg.RepositoryDefinition:
    from dart_assets.definitions import defs

    return defs.get_repository_def()


def test_every_job_resolves_and_all_automation_is_on(repo: dg.RepositoryDefinition) -> None:
    jobs = {job.name for job in repo.get_all_jobs()}
    assert set(SCHEDULED_JOBS) <= jobs
    schedules = {s.name: s for s in repo.schedule_defs}
    sensors = {s.name: s for s in repo.sensor_defs}
    assert {"dart_daily_evening", "dart_daily_catchup", "dart_weekly_sunday", "dart_corp_codes_weekly"} <= set(
        schedules
    )
    assert {f"{job}_dead_letter_redrive" for job in PIPELINE_JOBS} <= set(sensors)
    assert all(s.default_status == dg.DefaultScheduleStatus.RUNNING for s in schedules.values())
    assert all(s.default_status == dg.DefaultSensorStatus.RUNNING for s in sensors.values())


@pytest.mark.parametrize(
    "schedule, job, tick",
    [
        (dart_daily_evening, "dart_daily", "2026-11-26 18:30"),
        (dart_daily_catchup, "dart_daily", "2026-11-26 07:00"),
        (dart_weekly_sunday, "dart_weekly", "2026-11-29 02:00"),
    ],
)
def test_scheduled_partitions_exist_in_the_target_job(repo, schedule, job, tick) -> None:
    when = datetime.fromisoformat(tick).replace(tzinfo=SEOUL)
    request = schedule(dg.build_schedule_context(scheduled_execution_time=when))
    partitions = repo.get_job(job).partitions_def
    assert partitions is not None
    assert request.partition_key in partitions.get_partition_keys(current_time=when)


def test_dagster_cli_loads_the_code_location(tmp_path) -> None:
    """What `dagster dev` and `dagster asset materialize -m dart_assets.definitions` load."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    dagster = Path(sys.executable).with_name("dagster")
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    done = subprocess.run(
        [str(dagster), "definitions", "validate", "-m", "dart_assets.definitions"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "All code locations passed validation" in done.stderr + done.stdout


def test_pipeline_jobs_backfill_in_single_runs(repo: dg.RepositoryDefinition) -> None:
    """A year of dart_daily partitions is one run: Dagster falls back to one run per partition
    (with a warning) as soon as one asset in the job lacks a single-run policy."""
    for name in ("dart_daily", "dart_weekly"):
        job = repo.get_job(name)
        graph = job.asset_layer.asset_graph
        policies = {
            graph.get(key).backfill_policy
            for key in job.asset_layer.selected_asset_keys
            if graph.get(key).is_partitioned
        }
        assert policies == {dg.BackfillPolicy.single_run()}, (name, policies)
