"""A process killed with SIGKILL in the middle of a partition's write leaves the previous state;
the re-run repairs the partition."""

import os
import signal
import subprocess
import sys
from datetime import date

import pytest
import sqlalchemy as sa

from dart_assets.core.partitions import DISCLOSURES_KEY

# Runs the real asset, but stalls inside the load's transaction (after the upsert, before the
# commit) and says so, so that the test can kill it at the worst moment.
STALLING_RUN = """
import sys, time
import dagster as dg
from dart_assets.sources import loaders

upsert_done = loaders.replace_quarantine

def stall(*args, **kwargs):
    count = upsert_done(*args, **kwargs)
    print("IN_TRANSACTION", flush=True)
    time.sleep(300)
    return count

loaders.replace_quarantine = stall
from dart_assets.sources.defs import defs
from dart_assets.sources.dart.assets.disclosures import disclosures
dg.materialize([disclosures], partition_key=sys.argv[1], resources=defs.resources)
"""


def snapshot(engine: sa.Engine, day: str) -> list[tuple]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT rcept_no, corp_code, corp_name, stock_code, corp_cls, report_nm, flr_nm, rm, first_seen_at, "
                "last_seen_at, loaded_at FROM dart_raw.disclosures WHERE rcept_dt = :d ORDER BY rcept_no"
            ),
            {"d": date.fromisoformat(day)},
        ).all()
        load = conn.execute(
            sa.text("SELECT run_id, fetched FROM dart_ops.partition_loads WHERE partition_key = :k"), {"k": day}
        ).all()
    return [tuple(r) for r in rows] + [tuple(r) for r in load]


def kill_mid_write(day: str, engine: sa.Engine) -> list[tuple]:
    """Run the asset for `day` in a subprocess, SIGKILL it inside the write; the state seen meanwhile."""
    proc = subprocess.Popen(
        [sys.executable, "-c", STALLING_RUN, day], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        for line in proc.stdout:
            if "IN_TRANSACTION" in line:
                break
        else:
            pytest.fail(f"the subprocess ended before writing (exit code {proc.wait()})")
        during = snapshot(engine, day)  # another session sees only committed data
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait()
    return during


def test_killed_reload_keeps_the_old_state_and_the_rerun_repairs_it(materialize, engine) -> None:
    day = "2025-07-21"
    materialize(DISCLOSURES_KEY, day)
    fresh = snapshot(engine, day)
    with engine.begin() as conn:  # the partition as an older load left it: rm flags not there yet
        conn.execute(sa.text("UPDATE dart_raw.disclosures SET rm = '' WHERE rm <> ''"))
    old = snapshot(engine, day)
    assert old != fresh

    assert kill_mid_write(day, engine) == old
    assert snapshot(engine, day) == old  # nothing of the killed write is visible

    run = materialize(DISCLOSURES_KEY, day)
    assert run.metadata[day]["rows_updated"] == sum(1 for r in fresh[:-1] if r[7])
    repaired = snapshot(engine, day)
    assert [r[:9] for r in repaired[:-1]] == [r[:9] for r in fresh[:-1]]  # content and first_seen_at


def test_killed_first_load_leaves_nothing_and_the_rerun_loads_it(materialize, engine) -> None:
    day = "2025-07-22"
    assert kill_mid_write(day, engine) == []
    assert snapshot(engine, day) == []
    run = materialize(DISCLOSURES_KEY, day)
    assert run.metadata[day]["rows_inserted"] == len(snapshot(engine, day)) - 1 > 100
