"""Fault suite: the `dart_raw/disclosures` load under each simulator fault, then the read API under a key flood.

Every fault scenario gets a fresh simulator (in a thread of this process, so its request log
and fault switches are at hand), a fresh database in one embedded PostgreSQL 16, a fresh
Dagster instance (sqlite, DAGSTER_HOME in a temp dir, shared with the child processes of the
kill and concurrency scenarios) and a fresh DART_FG_HOME. The load covers DAYS (7 day
partitions, two list.json windows: a month boundary) at --volume filings per business day.

Per scenario:
- rows lost = filings the simulator's own dataset holds for those days (dataset.filings_for_date,
  plus the filings it injected during the drift scenario) that are not in dart_raw.disclosures;
- duplicates = rows minus distinct rcept_no, plus quarantine rows beyond the first per
  (partition, record_key);
- alerts = messages in dart_ops.alert_outbox after the product's own alert path was played once
  per run: run_failure_alerts / run_success_settles_dead_letters (handle_run_failure /
  handle_run_success, for a final failure a dead letter too), then the breaker, quota and
  completeness sensors' findings through alerts.reconcile, then alert_outbox delivery (to the
  log channel, the default). No Dagster daemon runs here, so the benchmark plays those ticks,
  as tests/integration/automation/test_kill_and_redrive.py does.

The API flood: uvicorn on 127.0.0.1 with the product's default limits (create_app(engine)),
--flood requests with random keys from 127.0.0.2 (another client address) while valid-key
clients on 127.0.0.1 keep reading; reported are the valid keys' latency before and during
the flood and the flood's status codes.

Run: `.venv/bin/python -m benchmarks.bench_faults [--volume 200] [--flood 10000] [--no-write]`.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import signal
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa

from benchmarks.common import RESULTS, measured_on, scratch_postgres, table, table_row, write_section

KEY = "f" * 40  # the simulator accepts any 40-character key
SEED = 7
FIRST, LAST = date(2025, 11, 26), date(2025, 12, 2)  # Wed..Tue: 5 business days, a weekend, two windows
RANGE_TAGS = {
    "dagster/asset_partition_range_start": FIRST.isoformat(),
    "dagster/asset_partition_range_end": LAST.isoformat(),
}
REPO = Path(__file__).resolve().parents[1]

# A child process: the real asset for the whole range on the shared (sqlite) Dagster instance.
CHILD = """
import sys
import dagster as dg
from dart_assets.sources.defs import defs
from dart_assets.sources.dart.assets.disclosures import disclosures
with dg.DagsterInstance.get() as instance:
    result = dg.materialize([disclosures], instance=instance, resources=defs.resources,
                            tags={"dagster/asset_partition_range_start": sys.argv[1],
                                  "dagster/asset_partition_range_end": sys.argv[2]}, raise_on_error=False)
sys.exit(0 if result.success else 1)
"""


def days() -> list[date]:
    return [FIRST + timedelta(days=i) for i in range((LAST - FIRST).days + 1)]


@dataclass
class Run:
    """One load as the alert sensors see it."""

    run: object  # dg.DagsterRun
    success: bool
    error: str = ""


@dataclass
class Outcome:
    runs: list[str] = field(default_factory=list)  # "ok" / "failed: ..." per run, in order
    note: str = ""


# ------------------------------------------------------------------ environment per scenario


def _new_database(server_url: str, name: str) -> str:
    from dart_assets.warehouse.migrate import upgrade

    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = sa.make_url(server_url).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    return url


@contextmanager
def plant(server_url: str, name: str, volume: int, rps: float, **faults) -> Iterator[tuple[object, str]]:
    """(simulator handle, database URL) with the environment pointing at both."""
    from dart_assets.core.settings import get_settings
    from simulators.server import Faults, SimulatorConfig, run_simulator

    url = _new_database(server_url, f"faults_{name}")
    with tempfile.TemporaryDirectory(prefix=f"dart_fg_faults_{name}_") as home:
        Path(home, "dagster").mkdir()
        with run_simulator(SimulatorConfig(faults=Faults(**faults), daily_volume=volume, seed=SEED)) as sim:
            os.environ.update(
                DATABASE_URL=url,
                DART_API_BASE_URL=sim.base_url,
                DART_API_KEY=KEY,
                DART_FG_HOME=home,
                DAGSTER_HOME=str(Path(home, "dagster")),
                DART_FG_REQUESTS_PER_SECOND=str(rps),
            )
            os.environ.pop("DART_API_KEYS", None)
            get_settings.cache_clear()
            yield sim, url
    get_settings.cache_clear()


def _instance():
    import dagster as dg

    return dg.DagsterInstance.get()


def _error_text(result) -> str:
    texts = []
    for event in result.all_events:
        if event.is_step_failure and event.event_specific_data and event.event_specific_data.error:
            error = event.event_specific_data.error
            while error.cause is not None:
                error = error.cause
            texts.append(f"{error.cls_name}: {error.message.strip()}")
    return "\n".join(texts) or "run failed"


def materialize_here(instance, dart_resource=None) -> Run:
    """The asset for the range as one run in this process (the step retry policy applies)."""
    import dagster as dg

    from dart_assets.sources.dart.assets.disclosures import disclosures
    from dart_assets.sources.defs import defs

    resources = dict(defs.resources)
    if dart_resource is not None:
        resources["dart"] = dart_resource
    result = dg.materialize(
        [disclosures], instance=instance, resources=resources, tags=RANGE_TAGS, raise_on_error=False
    )
    return Run(result.dagster_run, result.success, "" if result.success else _error_text(result))


def start_child() -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, FIRST.isoformat(), LAST.isoformat()],
        cwd=REPO,
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def play_sensors(engine: sa.Engine, runs: list[Run]) -> None:
    """One tick of the alert sensors that concern a load, in the order the daemon could run them."""
    from dart_assets.alerting.alerts import deliver_outbox, load_channels, reconcile, utc_now
    from dart_assets.alerting.config import runtime_thresholds
    from dart_assets.alerting.sensors import breaker_findings, completeness_findings, quota_findings
    from dart_assets.core.settings import get_settings
    from dart_assets.recovery.sensors import handle_run_failure, handle_run_success

    channels = load_channels()
    for r in runs:
        if r.success:
            handle_run_success(engine, channels, r.run)
        else:
            handle_run_failure(engine, channels, r.run, r.error)
    thresholds, now = runtime_thresholds(), utc_now()
    reconcile(engine, channels, "breaker_open", *breaker_findings(engine))
    reconcile(engine, channels, "quota", *quota_findings(engine, get_settings(), thresholds, now))
    reconcile(engine, channels, "completeness", *completeness_findings(engine, thresholds, now))
    deliver_outbox(engine, channels, budget_s=10)


def _run_label(r: Run) -> str:
    if r.success:
        return "ok"
    first = r.error.splitlines()[0]
    return f"failed ({first.split(':', 1)[0]}{': ' + first.split(':')[-1].strip()[:60] if ':' in first else ''})"


# ------------------------------------------------------------------ scenarios


def short_timeout_dart(timeout_s: float):
    """The product's DartResource with a shorter client timeout (30 s by default, not configurable)."""
    from dart_assets.sources.dart.breaker import CircuitBreaker
    from dart_assets.sources.dart.client import DartClient
    from dart_assets.sources.dart.resource import DartResource

    class ShortTimeoutDart(DartResource):
        @contextmanager
        def client(self, engine):
            client = DartClient.from_settings(engine=engine, breaker=CircuitBreaker(engine), timeout=timeout_s)
            try:
                yield client
            finally:
                client.close()

    return ShortTimeoutDart()


def one_run(sim, engine, **kwargs) -> Outcome:
    run = materialize_here(_instance(), **kwargs)
    play_sensors(engine, [run])
    return Outcome([_run_label(run)])


def quota_then_reset(sim, engine) -> Outcome:
    """The simulator's quota stops the run; DART's reset is the next Asia/Seoul day, so the
    reset moves the simulator's counters and the client's ledger (dart_ops.api_quota_usage)
    back a day, then the same range is loaded again."""
    instance = _instance()
    first = materialize_here(instance)
    play_sensors(engine, [first])
    with engine.connect() as conn:
        loaded = conn.execute(sa.text("SELECT count(*) FROM dart_raw.disclosures")).scalar_one()
    sim.config.faults.quota = None
    sim.reset_quota()
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE dart_ops.api_quota_usage SET usage_date = usage_date - 1"))
    second = materialize_here(instance)
    play_sensors(engine, [second])
    return Outcome([_run_label(first), _run_label(second)], f"{loaded} rows kept from the stopped run")


def _list_calls(sim) -> int:
    return sum(1 for r in sim.requests if r.endpoint == "list.json")


def kill_and_rerun(sim, engine) -> Outcome:
    """SIGKILL a loading process once it is into the second window (the first one committed),
    mark its run failed as run monitoring would, then re-run the range."""
    instance = _instance()
    sim.config.faults.latency_s = 0.2
    child = start_child()
    deadline = time.monotonic() + 300
    kill_at = None
    while True:
        if child.poll() is not None:
            raise RuntimeError(f"the child ended before the kill: {child.stderr.read().decode()[-2000:]}")
        if time.monotonic() > deadline:
            raise RuntimeError("the child never reached the second window")
        second_window = [
            r for r in sim.requests if r.endpoint == "list.json" and r.params.get("bgn_de", "") >= "20251201"
        ]
        if len(second_window) >= 2:
            kill_at = len(second_window)
            break
        time.sleep(0.05)
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=30)
    sim.config.faults.latency_s = 0.0
    import dagster as dg

    [started] = instance.get_runs(dg.RunsFilter(statuses=[dg.DagsterRunStatus.STARTED]))
    instance.report_run_failed(started, message="run worker process died (SIGKILL)")
    killed = Run(instance.get_run_by_id(started.run_id), False, "run worker process died (SIGKILL)")
    with engine.connect() as conn:
        kept = conn.execute(sa.text("SELECT count(*) FROM dart_raw.disclosures")).scalar_one()
    play_sensors(engine, [killed])
    rerun = materialize_here(instance)
    play_sensors(engine, [rerun])
    return Outcome(
        ["killed (SIGKILL)", _run_label(rerun)],
        f"killed after {kill_at} pages of the 2nd window; {kept} rows of the 1st window kept",
    )


def two_at_once(sim, engine) -> Outcome:
    """Two processes load the same range at the same time (no Dagster pool in front of them)."""
    import dagster as dg

    sim.config.faults.latency_s = float(os.environ.get("BENCH_FAULTS_LATENCY", "0.2"))  # both mid-flight together
    # The Dagster instance's storage is created here first: two children creating the same
    # sqlite storage at once race each other (a benchmark artefact; deployments use PostgreSQL).
    instance = _instance()
    children = [start_child(), start_child()]
    codes = [c.wait(timeout=600) for c in children]
    sim.config.faults.latency_s = 0.0
    runs = []
    for run in instance.get_runs(dg.RunsFilter()):
        ok = run.status == dg.DagsterRunStatus.SUCCESS
        runs.append(Run(run, ok, "" if ok else "concurrent load failed"))
    play_sensors(engine, runs)
    records = instance.get_run_records(dg.RunsFilter())
    spans = [(r.start_time, r.end_time) for r in records if r.start_time and r.end_time]
    overlap = max(0.0, min(e for _, e in spans) - max(s for s, _ in spans)) if len(spans) == 2 else 0.0
    errors = [c.stderr.read().decode() for c in children]
    if os.environ.get("BENCH_FAULTS_DEBUG"):
        for i, e in enumerate(errors):
            Path(f"/tmp/bench_faults_child{i}.log").write_text(e)
    labels = ["ok" if code == 0 else f"exit {code}" for code in codes]
    note = f"runs overlapped {overlap:.1f} s"
    if any(codes):
        tail = next(e for e, code in zip(errors, codes, strict=True) if code)
        lines = [ln for ln in tail.splitlines() if "Error" in ln or "error" in ln]
        note += "; " + (lines[-1] if lines else tail[-200:]).strip()[:200]
    return Outcome(labels, note)


@dataclass(frozen=True)
class Scenario:
    name: str
    fault: str
    faults: dict
    action: Callable[..., Outcome]
    fault_tags: tuple[str, ...] = ()  # sim.requests fault labels to count


def scenarios() -> list[Scenario]:
    return [
        Scenario("baseline", "none", {}, one_run),
        Scenario("http_5xx", "HTTP 500/502/503 (error_rate 0.2)", {"error_rate": 0.2}, one_run, ("http_error",)),
        Scenario(
            "timeouts",
            "hang 3 s then 504 (timeout_rate 0.15), client timeout 1 s",
            {"timeout_rate": 0.15, "timeout_sleep_s": 3.0},
            lambda sim, engine: one_run(sim, engine, dart_resource=short_timeout_dart(1.0)),
            ("timeout",),
        ),
        Scenario(
            "maintenance",
            "status 800 for the next 4 requests (maintenance_requests 4)",
            {"maintenance_requests": 4},
            one_run,
            ("maintenance",),
        ),
        Scenario(
            "malformed",
            "truncated / HTML bodies (malformed_rate 0.2)",
            {"malformed_rate": 0.2},
            one_run,
            ("malformed",),
        ),
        Scenario(
            "drift",
            "3 new filings before every page >= 2 (inject_new_filings_per_page 3)",
            {"inject_new_filings_per_page": 3},
            one_run,
            ("injected",),
        ),
        Scenario("quota", "status 020 after 8 calls (quota 8), reset, re-run", {"quota": 8}, quota_then_reset),
        Scenario("kill", "kill -9 of the loading process mid-run, re-run", {}, kill_and_rerun),
        Scenario("concurrent", "two processes load the same partitions at once", {}, two_at_once),
    ]


# ------------------------------------------------------------------ measurement


def expected_rcept_nos(sim, volume: int) -> set[str]:
    from simulators import dataset

    expected = {f.rcept_no for day in days() for f in dataset.filings_for_date(day, SEED, volume)}
    injected = sim._simulator._injected  # what the drift fault added (private: the benchmark's view of DART)
    expected |= {f.rcept_no for day in days() for f in injected.get(day, ())}
    return expected


def measure(engine: sa.Engine, expected: set[str]) -> dict:
    with engine.connect() as conn:
        stored = set(
            conn.execute(
                sa.text("SELECT rcept_no FROM dart_raw.disclosures WHERE rcept_dt BETWEEN :a AND :b"),
                {"a": FIRST, "b": LAST},
            ).scalars()
        )
        rows = conn.execute(sa.text("SELECT count(*) FROM dart_raw.disclosures")).scalar_one()
        distinct = conn.execute(sa.text("SELECT count(DISTINCT rcept_no) FROM dart_raw.disclosures")).scalar_one()
        quarantined, quarantine_dupes = conn.execute(
            sa.text(
                "SELECT coalesce(sum(n), 0), coalesce(sum(n - 1), 0) "
                "FROM (SELECT count(*) AS n FROM dart_ops.quarantine "
                "GROUP BY asset_key, partition_key, record_key) q"
            )
        ).one()
        loads = conn.execute(
            sa.text(
                "SELECT count(*), coalesce(sum(api_calls), 0), coalesce(sum(retries), 0) FROM dart_ops.partition_loads"
            )
        ).one()
        alerts = conn.execute(
            sa.text(
                "SELECT kind, status, count(*), count(delivered_at) FROM dart_ops.alert_outbox "
                "GROUP BY kind, status ORDER BY kind, status"
            )
        ).all()
        letters = conn.execute(sa.text("SELECT status, count(*) FROM dart_ops.dead_letters GROUP BY status")).all()
    return {
        "expected": len(expected),
        "stored": len(stored),
        "lost": len(expected - stored),
        "unexpected": len(stored - expected),
        "duplicates": (rows - distinct) + int(quarantine_dupes),
        "quarantined": int(quarantined),
        "partitions": loads[0],
        "calls": int(loads[1]),
        "retries": int(loads[2]),
        "alerts": alerts,
        "letters": letters,
    }


def alerts_cell(alerts: list) -> str:
    if not alerts:
        return "0"
    total = sum(n for *_, n, _ in alerts)
    sent = sum(d for *_, d in alerts)
    parts = ", ".join(f"{kind} {status} {n}" for kind, status, n, _ in alerts)
    return f"{total} ({parts}; {sent} delivered)"


def run_faults(server_url: str, volume: int, rps: float, only: set[str] | None) -> list[list[str]]:
    rows = []
    for sc in scenarios():
        if only and sc.name not in only:
            continue
        started = time.perf_counter()
        with plant(server_url, sc.name, volume, rps, **sc.faults) as (sim, url):
            engine = sa.create_engine(url)
            try:
                outcome = sc.action(sim, engine)
            except Exception as exc:  # a broken scenario is a row, not the end of the suite
                outcome = Outcome([f"benchmark error: {type(exc).__name__}: {exc}"[:200]])
            wall = time.perf_counter() - started
            m = measure(engine, expected_rcept_nos(sim, volume))
            injected = Counter(r.fault for r in sim.requests if r.fault)
            engine.dispose()
        faults_seen = ", ".join(f"{injected[t]} {t}" for t in sc.fault_tags) or "-"
        if sc.name == "quota":
            faults_seen = f"{sum(1 for r in sim.requests if r.status == '020')} status 020"
        outcome_text = "; ".join(outcome.runs) + (f"; {outcome.note}" if outcome.note else "")
        letters = ", ".join(f"{n} {s}" for s, n in m["letters"]) or "none"
        row = [
            sc.fault,
            f"{m['expected']:,}",
            m["lost"],
            m["duplicates"],
            faults_seen,
            f"{sum(1 for r in sim.requests if r.endpoint == 'list.json')} / {m['retries']}",
            alerts_cell(m["alerts"]),
            letters,
            outcome_text
            + (f"; {m['unexpected']} rows not in the dataset" if m["unexpected"] else "")
            + (f"; {m['quarantined']} quarantined" if m["quarantined"] else ""),
            f"{wall:.0f}",
        ]
        print(table_row(row), flush=True)
        rows.append(row)
    return rows


FAULT_HEADER = (
    "fault",
    "expected filings",
    "rows lost",
    "duplicates",
    "faults served",
    "list.json requests served / client retries (last loads)",
    "alerts (outbox messages)",
    "dead letters",
    "outcome",
    "wall s",
)


# ------------------------------------------------------------------ API flood


def _pcts(samples: list[float]) -> str:
    if len(samples) < 2:
        return "n/a"
    q = statistics.quantiles(samples, n=100, method="inclusive")
    return f"p50 {q[49]:.1f} / p99 {q[98]:.1f} / max {max(samples):.1f}"


def _random_key() -> str:
    return "".join(random.choices(string.ascii_letters + string.digits + "_-", k=43))


def run_flood(server_url: str, flood: int, flood_clients: int, valid_clients: int, flood_address: str) -> dict:
    import uvicorn

    from benchmarks.bench_api import FIXTURE
    from dart_assets.api.app import create_app
    from dart_assets.api.keys import create_api_key

    url = _new_database(server_url, f"faults_api_{flood_address.replace('.', '_')}")
    engine = sa.create_engine(url, pool_size=8)
    with engine.begin() as conn:
        conn.execute(sa.text(FIXTURE.replace(":per_day", "50")))
    keys = [create_api_key(engine, f"bench-valid-{i}", ["read"]) for i in range(valid_clients)]
    with __import__("socket").socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(engine=engine), host="0.0.0.0", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    day = date(2026, 8, 14)
    paths = [
        f"/api/dart/disclosures?from={day}&to={day}",
        "/api/dart/fear-greed/latest",
        f"/api/dart/sentiment?from={day - timedelta(days=30)}&to={day}",
    ]
    flooding = threading.Event()
    stop = threading.Event()
    valid: dict[str, list] = {"before": [], "during": [], "after": []}
    valid_status: dict[str, Counter] = {k: Counter() for k in valid}
    lock = threading.Lock()

    def valid_worker(i: int) -> None:
        with httpx.Client(base_url=base, headers={"X-API-Key": keys[i]}, timeout=30) as client:
            j = 0
            while not stop.is_set():
                phase = "during" if flooding.is_set() else ("after" if flood_done.is_set() else "before")
                t = time.perf_counter()
                try:
                    code = client.get(paths[(i + j) % len(paths)]).status_code
                except httpx.HTTPError as exc:
                    code = type(exc).__name__
                ms = (time.perf_counter() - t) * 1000
                with lock:
                    valid_status[phase][code] += 1
                    if code == 200:
                        valid[phase].append(ms)
                j += 1
                time.sleep(0.2)  # ~5 requests/s per key: inside the per-key 600/minute

    flood_status: Counter = Counter()
    flood_done = threading.Event()
    remaining = iter(range(flood))
    take = threading.Lock()

    def flood_worker() -> None:
        transport = httpx.HTTPTransport(local_address=flood_address)
        with httpx.Client(base_url=f"http://{flood_address}:{port}", transport=transport, timeout=30) as client:
            while True:
                with take:
                    if next(remaining, None) is None:
                        return
                try:
                    code = client.get(paths[0], headers={"X-API-Key": _random_key()}).status_code
                except httpx.HTTPError as exc:
                    code = type(exc).__name__
                with lock:
                    flood_status[code] += 1

    workers = [threading.Thread(target=valid_worker, args=(i,)) for i in range(valid_clients)]
    for w in workers:
        w.start()
    time.sleep(10)  # the valid keys' latency without a flood
    flooding.set()
    t0 = time.perf_counter()
    flooders = [threading.Thread(target=flood_worker) for _ in range(flood_clients)]
    for f in flooders:
        f.start()
    for f in flooders:
        f.join()
    flood_s = time.perf_counter() - t0
    flooding.clear()
    flood_done.set()
    time.sleep(5)
    stop.set()
    for w in workers:
        w.join()
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()
    return {
        "address": flood_address,
        "flood": flood,
        "flood_s": flood_s,
        "flood_status": flood_status,
        "valid": valid,
        "valid_status": valid_status,
        "valid_clients": valid_clients,
        "flood_clients": flood_clients,
    }


def flood_rows(r: dict) -> list[list[str]]:
    refused = r["flood_status"].get(429, 0) + r["flood_status"].get(401, 0)
    codes = ", ".join(f"{k}: {v}" for k, v in sorted(r["flood_status"].items(), key=lambda kv: str(kv[0])))
    same = " (same address as the valid keys)" if r["address"] == "127.0.0.1" else " (another address)"
    out = []
    for phase in ("before", "during", "after"):
        vs = ", ".join(f"{k}: {v}" for k, v in sorted(r["valid_status"][phase].items(), key=lambda kv: str(kv[0])))
        out.append([f"from {r['address']}{same}", phase, _pcts(r["valid"][phase]), vs or "-", "", ""])
    out[1][4] = (
        f"{r['flood']:,} in {r['flood_s']:.1f} s "
        f"({r['flood'] / r['flood_s']:.0f}/s, {r['flood_clients']} clients): {codes}"
    )
    out[1][5] = (
        f"{refused:,} of {r['flood']:,} (429 {r['flood_status'].get(429, 0):,}, 401 {r['flood_status'].get(401, 0):,})"
    )
    return out


FLOOD_HEADER = (
    "flood",
    "phase",
    "valid-key latency ms",
    "valid-key statuses",
    "flood requests",
    "flood refused (429/401)",
)


# ------------------------------------------------------------------ report


def section(fault_rows, flood_results, volume: int) -> str:
    lines = [
        "## Faults",
        "",
        f"`python -m benchmarks.bench_faults --volume {volume}`: `dart_raw/disclosures` for {FIRST}..{LAST} (7 day "
        f"partitions, 5 business days at ~{volume} filings, two list.json windows) from the simulator, one fault per "
        "row, each with a fresh simulator, database and Dagster instance. Rows lost = filings of the simulator's own "
        "dataset for those days (plus those it injected) missing from dart_raw.disclosures; duplicates = rows minus "
        "distinct rcept_no plus repeated quarantine rows. Alerts = dart_ops.alert_outbox messages after one tick of "
        "the product's run-failure/success, breaker, quota and completeness sensors per run (played by the benchmark: "
        f"no daemon), delivered to the default log channel. {measured_on()}",
        "",
        *table(FAULT_HEADER, fault_rows),
        "",
    ]
    if flood_results:
        lines += [
            "Read API under a flood of random keys: uvicorn (one worker) with the product's default limits "
            "(`create_app(engine)`), valid keys reading on 127.0.0.1 at ~5 requests/s each; the flood's "
            "keys are random 43-character strings.",
            "",
            *table(FLOOD_HEADER, [row for r in flood_results for row in flood_rows(r)]),
            "",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volume", type=int, default=200, help="filings per business day (default 200)")
    parser.add_argument("--rps", type=float, default=50.0, help="client requests per second (default 50)")
    parser.add_argument("--flood", type=int, default=10_000, help="random-key requests against the API (0: skip)")
    parser.add_argument("--flood-clients", type=int, default=8)
    parser.add_argument("--valid-clients", type=int, default=2)
    parser.add_argument("--flood-from", default="127.0.0.2,127.0.0.1", help="flood source addresses, one run each")
    parser.add_argument("--only", default="", help="comma-separated scenario names (default: all)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()
    logging.getLogger("dart_fg.alerts").setLevel(logging.ERROR)
    only = {s for s in args.only.split(",") if s} or None
    with scratch_postgres(migrate=False) as server_url:
        print("\n".join(table(FAULT_HEADER)), flush=True)
        fault_rows = run_faults(server_url, args.volume, args.rps, only) if only != {"flood"} else []
        flood_results = []
        if args.flood:
            for address in [a for a in args.flood_from.split(",") if a]:
                r = run_flood(server_url, args.flood, args.flood_clients, args.valid_clients, address)
                print("\n".join(table(FLOOD_HEADER, flood_rows(r))), flush=True)
                flood_results.append(r)
    text = section(fault_rows, flood_results, args.volume)
    print(text)
    if not args.no_write:
        write_section("Faults", text)
        print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
