"""A run's process killed in the middle of a partition: Dagster's run retry, and when the
retries are spent, the dead letter and its re-drive complete the data, nothing lost or duplicated.

Real pieces: the ingestion asset loading from the simulator over HTTP, PostgreSQL for both the
warehouse and the Dagster instance (the repository's dagster.yaml), a run worker process killed
with SIGKILL, the run-status sensors and the re-drive sensor. Two daemon duties are played by
the test because no daemon runs here: marking the orphaned run failed (run monitoring) and
launching the requested runs (the run-retry daemon, the sensor daemon's RunRequest).
"""

from __future__ import annotations

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy as sa
from dagster._core.storage.tags import WILL_RETRY_TAG

from dart_assets.alerting.config import load_ops_config
from dart_assets.core.settings import get_settings
from dart_assets.recovery import dead_letters, sensors as recovery_sensors
from simulators.server import Faults, SimulatorConfig, run_simulator

pytestmark = pytest.mark.timeout(240)
REPO = Path(__file__).resolve().parents[3]
VOLUME = 420  # filings a business day: five list.json pages of 100
JOB = "dart_daily"

# The run worker: the disclosures asset (with its checks) as a `dart_daily` job, executed in
# process (one process to kill). argv: partition, then "parent=<run id>" for a re-execution from
# failure (what the run-retry daemon launches), then tags as key=value.
WORKER = """
import sys
import dagster as dg
from dart_assets.sources.defs import ASSET_CHECKS, defs
from dart_assets.core.partitions import DISCLOSURES_KEY

job = dg.define_asset_job(
    "dart_daily", selection=dg.AssetSelection.assets(DISCLOSURES_KEY), executor_def=dg.in_process_executor
)
pipeline = dg.Definitions(assets=defs.assets, asset_checks=ASSET_CHECKS, jobs=[job], resources=defs.resources)


def dart_daily():
    return pipeline.get_job_def("dart_daily")


if __name__ == "__main__":
    partition, parent, *pairs = sys.argv[1:]
    tags = {"dagster/partition": partition, **dict(p.split("=", 1) for p in pairs)}
    with dg.DagsterInstance.get() as instance:
        options = dg.ReexecutionOptions.from_failure(parent, instance) if parent else None
        result = dg.execute_job(dg.reconstructable(dart_daily), instance, tags=tags, reexecution_options=options)
    sys.exit(0 if result.success else 1)
"""


@pytest.fixture
def plant(dart_env, monkeypatch: pytest.MonkeyPatch):
    """Simulator + a Dagster home on the test PostgreSQL with run retries (max 1)."""
    home = dart_env / "dagster_home"
    home.mkdir()
    config = (REPO / "dagster.yaml").read_text()
    config = config.replace("max_retries: 2", "max_retries: 1")
    (home / "dagster.yaml").write_text(config)
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with run_simulator(SimulatorConfig(faults=Faults(), daily_volume=VOLUME, seed=7)) as sim:
        monkeypatch.setenv("DART_API_BASE_URL", sim.base_url)
        monkeypatch.setenv("DART_FG_REQUESTS_PER_SECOND", "1000")
        get_settings.cache_clear()
        with dg.DagsterInstance.get() as instance:
            yield sim, instance
    get_settings.cache_clear()


def _start_worker(partition: str, tags: dict[str, str], parent: str = "") -> subprocess.Popen:
    script = Path(os.environ["DAGSTER_HOME"]) / "worker.py"
    script.write_text(WORKER)
    args = [sys.executable, str(script), partition, parent, *(f"{k}={v}" for k, v in tags.items())]
    return subprocess.Popen(args, cwd=REPO, env=dict(os.environ), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _kill_mid_partition(sim, worker: subprocess.Popen, day: str) -> None:
    """SIGKILL the worker once it has fetched two of the day's five pages."""
    sim.config.faults.latency_s = 0.5
    seen = lambda: sum(1 for r in sim.requests if r.endpoint.endswith("list.json") and r.params.get("bgn_de") == day)  # noqa: E731
    start = seen()
    deadline = time.monotonic() + 90
    while seen() - start < 2:
        assert worker.poll() is None, worker.stderr.read().decode()[-2000:]
        assert time.monotonic() < deadline, "the worker never reached DART"
        time.sleep(0.05)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    sim.config.faults.latency_s = 0.0


def _orphaned_run(instance: dg.DagsterInstance, partition: str) -> dg.DagsterRun:
    """What run monitoring does for a dead run worker (dagster.yaml): the run is marked failed
    and the `dart_api` pool slot it still held is freed."""
    [run] = instance.get_runs(
        dg.RunsFilter(job_name=JOB, statuses=[dg.DagsterRunStatus.STARTED], tags={"dagster/partition": partition})
    )
    assert instance.event_log_storage.get_concurrency_run_ids() == {run.run_id}  # the killed run holds the slot
    instance.report_run_failed(run, message="run worker process died (SIGKILL)")
    instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
    return instance.get_run_by_id(run.run_id)


def _sense_failure(instance: dg.DagsterInstance, run: dg.DagsterRun) -> None:
    record = instance.get_records_for_run(run.run_id, of_type=dg.DagsterEventType.RUN_FAILURE).records[-1]
    context = dg.build_run_status_sensor_context(
        sensor_name="run_failure_alerts",
        dagster_event=record.event_log_entry.dagster_event,
        dagster_instance=instance,
        dagster_run=run,
    )
    recovery_sensors.run_failure_alerts(context.for_run_failure())


def _sense_success(instance: dg.DagsterInstance, run_id: str) -> None:
    record = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.RUN_SUCCESS).records[-1]
    context = dg.build_run_status_sensor_context(
        sensor_name="run_success_settles_dead_letters",
        dagster_event=record.event_log_entry.dagster_event,
        dagster_instance=instance,
        dagster_run=instance.get_run_by_id(run_id),
    )
    recovery_sensors.run_success_settles_dead_letters(context)


def _run_to_completion(instance: dg.DagsterInstance, partition: str, tags: dict[str, str], parent: str = "") -> str:
    worker = _start_worker(partition, tags, parent)
    assert worker.wait(timeout=120) == 0, worker.stderr.read().decode()[-3000:]
    [run] = instance.get_runs(dg.RunsFilter(job_name=JOB, tags={"dagster/partition": partition}), limit=1)
    assert run.status == dg.DagsterRunStatus.SUCCESS
    return run.run_id


def _stored(engine: sa.Engine, day: str) -> tuple[int, int, int | None, int | None]:
    with engine.connect() as conn:
        rows, distinct = conn.execute(
            sa.text("SELECT count(*), count(DISTINCT rcept_no) FROM dart_raw.disclosures WHERE rcept_dt = :d"),
            {"d": day},
        ).one()
        load = conn.execute(
            sa.text(
                "SELECT total_count, fetched FROM dart_ops.partition_loads "
                "WHERE asset_key LIKE '%disclosures' AND partition_key = :d"
            ),
            {"d": day},
        ).first()
    return rows, distinct, *(load or (None, None))


def _retry_tags(parent: dg.DagsterRun, number: int) -> dict[str, str]:
    """The tags the run-retry daemon puts on its re-execution (Dagster counts the run group by them)."""
    return {
        "dagster/parent_run_id": parent.run_id,
        "dagster/root_run_id": parent.root_run_id or parent.run_id,
        "dagster/retry_number": str(number),
    }


def test_killed_run_is_retried_and_then_redriven_to_complete_data(plant, engine) -> None:
    sim, instance = plant
    day, partition = "20261118", "2026-11-18"

    # 1. The scheduled run dies mid-partition: nothing of the day is half-written.
    _kill_mid_partition(sim, _start_worker(partition, {}), day)
    assert _stored(engine, partition) == (0, 0, None, None)
    first = _orphaned_run(instance, partition)
    assert first.tags[WILL_RETRY_TAG] == "true"  # dagster.yaml run_retries: the daemon retries it
    _sense_failure(instance, first)
    assert dead_letters.list_dead_letters(engine) == []

    # 2. Its retry dies too (the worker machine keeps failing): the retries are spent.
    _kill_mid_partition(sim, _start_worker(partition, _retry_tags(first, 1), parent=first.run_id), day)
    retry = _orphaned_run(instance, partition)
    assert retry.tags[WILL_RETRY_TAG] == "false"
    _sense_failure(instance, retry)
    [letter] = dead_letters.list_dead_letters(engine)
    assert (letter["job_name"], letter["partition_key"], letter["status"]) == (JOB, partition, "open")
    assert _stored(engine, partition)[0] == 0

    # 3. The re-drive sensor asks for the partition again (breaker closed, quota left) ...
    [request] = recovery_sensors.redrive_requests(engine, get_settings(), load_ops_config().thresholds, JOB)
    assert request.job_name == JOB and request.tags["dagster/partition"] == partition
    # ... the daemon launches it, it completes, and the success sensor settles the letter.
    redriven = _run_to_completion(instance, partition, dict(request.tags))
    _sense_success(instance, redriven)
    assert dead_letters.list_dead_letters(engine) == []

    rows, distinct, total_count, fetched = _stored(engine, partition)
    assert rows == distinct == total_count == fetched == VOLUME  # nothing lost, nothing twice
    with engine.connect() as conn:
        stored = set(
            conn.execute(
                sa.text("SELECT rcept_no FROM dart_raw.disclosures WHERE rcept_dt = :d"), {"d": partition}
            ).scalars()
        )
    archive = get_settings().archive_dir / "dart_raw" / "disclosures" / f"{partition}.jsonl.gz"
    with gzip.open(archive, "rt") as lines:
        archived = {json.loads(line)["rcept_no"] for line in lines}
    assert stored == archived  # exactly the filings DART sent for the day

    # A retry that does survive (the ordinary case) completes a killed partition by itself.
    other = "2026-11-19"
    _kill_mid_partition(sim, _start_worker(other, {}), "20261119")
    killed = _orphaned_run(instance, other)
    _sense_failure(instance, killed)
    _run_to_completion(instance, other, _retry_tags(killed, 1), parent=killed.run_id)
    rows, distinct, total_count, _ = _stored(engine, other)
    assert rows == distinct == total_count == VOLUME
    assert [d["partition_key"] for d in dead_letters.list_dead_letters(engine, include_all=True)] == [partition]
