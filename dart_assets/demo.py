"""`make demo`: the main jobs end to end on the embedded default, then the latest index reading.

Without keys the bundled simulator serves OpenDART, KRX and ECOS data on 127.0.0.1 for the
duration of the demo; with DART_API_KEY(S) / KRX_API_KEY / ECOS_API_KEY it calls the services
themselves. Runs go through the Dagster instance in $DAGSTER_HOME, so they appear in the UI
(`make dev`). The console shows one line per job and a progress bar for the market backfill;
the full event stream stays in the UI and in the log file whose path the demo prints.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import sqlalchemy as sa
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from dart_assets.core.calendar import previous_session, xkrx
from dart_assets.core.settings import DEFAULT_ECOS_BASE_URL, DEFAULT_KRX_BASE_URL, get_settings
from dart_assets.sources.http.quota import seoul_today
from dart_assets.warehouse.db import get_engine

DEMO_KEY = "0" * 40  # accepted by the simulator only
#: Sessions of market data the demo loads: 52-week highs/lows need 251 earlier sessions per
#: issue, and a component score 20 observations of its rolling percentile rank.
MARKET_SESSIONS = 275
#: Days after a quarter's end by which its report is due (annual: 90, others: 45).
_DEADLINES = ((3, 31, -1), (5, 15, 0), (8, 14, 0), (11, 14, 0))  # (month, day, year offset)


@dataclass(frozen=True)
class DemoWindows:
    """The partitions the demo loads, chosen so that every asset has data whatever today is."""

    dart_days: tuple[str, str]  # daily partitions, first..last
    weeks: tuple[str, ...]  # weekly partitions (Mondays) of the financials
    market_sessions: tuple[str, str]  # XKRX sessions, first..last


def latest_deadline_week(today: date) -> date:
    """Monday of the latest complete week holding a periodic-report deadline.

    Reports cluster in the days before the deadline (the annual report on 31 March, the others
    45 days after their quarter), so the financials of that week and the one before have data,
    where two weeks picked by the calendar alone would often fall between deadlines.
    """
    candidates = []
    for year in (today.year - 1, today.year):
        for month, day, _ in _DEADLINES:
            deadline = date(year, month, day)
            monday = deadline - timedelta(days=deadline.weekday())
            if monday + timedelta(days=7) <= today:  # the whole week is over
                candidates.append(monday)
    return max(candidates)


def demo_windows(today: date) -> DemoWindows:
    """Disclosures from the week before the latest deadline week to yesterday, the financials of
    those two weeks, and the last MARKET_SESSIONS sessions before today."""
    deadline_week = latest_deadline_week(today)
    first_week = deadline_week - timedelta(days=7)
    last_session = previous_session(today)
    sessions = xkrx().sessions_window(last_session.isoformat(), -MARKET_SESSIONS)
    return DemoWindows(
        dart_days=(first_week.isoformat(), (today - timedelta(days=1)).isoformat()),
        weeks=(first_week.isoformat(), deadline_week.isoformat()),
        market_sessions=(sessions[0].date().isoformat(), last_session.isoformat()),
    )


@contextlib.contextmanager
def data_sources() -> Iterator[str]:
    """Yield where the data comes from, starting the simulator for what has no key."""
    settings = get_settings()
    real_dart = bool(settings.api_keys) and not settings.uses_simulator
    real_market = bool(settings.krx_api_key and settings.ecos_api_key) and (
        (settings.krx_base_url, settings.ecos_base_url) == (DEFAULT_KRX_BASE_URL, DEFAULT_ECOS_BASE_URL)
    )
    if real_dart and real_market:
        yield "OpenDART, KRX Open API and ECOS (your keys)"
        return
    from simulators.server import SimulatorConfig, run_simulator

    with run_simulator(SimulatorConfig()) as sim:
        served = []
        if not real_dart:
            os.environ["DART_API_BASE_URL"] = sim.base_url
            os.environ.setdefault("DART_API_KEY", DEMO_KEY)
            # DART's ceiling protects DART; the DS005 details of a month of filings are ~2,000
            # calls, which the local simulator answers faster than 5 a second.
            os.environ.setdefault("DART_FG_REQUESTS_PER_SECOND", "50")
            served.append("OpenDART")
        if not real_market:
            os.environ["KRX_API_BASE_URL"], os.environ["ECOS_API_BASE_URL"] = sim.krx_base_url, sim.ecos_base_url
            os.environ.setdefault("KRX_API_KEY", DEMO_KEY)
            os.environ.setdefault("ECOS_API_KEY", DEMO_KEY)
            # KRX's ceiling is for KRX; the local simulator takes the backfill as fast as it can.
            os.environ.setdefault("DART_FG_MARKET_REQUESTS_PER_SECOND", "100")
            served.append("KRX and ECOS")
        get_settings.cache_clear()
        yield f"the bundled simulator of {' and '.join(served)} at http://127.0.0.1:{sim.port}"


def _job(name: str) -> dg.JobDefinition:
    from dart_assets.definitions import defs

    return defs.resolve_job_def(name)


class Progress:
    """A one-line progress bar fed by the partitions a run has committed so far; drawn on the
    terminal itself, since the run's own stdout goes to the log file."""

    def __init__(self, label: str, total: int, asset_key: str) -> None:
        self.label, self.total, self.asset_key = label, total, asset_key
        self.terminal = sys.stdout
        with get_engine().connect() as conn:
            self.since = conn.execute(sa.text("SELECT now()")).scalar_one()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> Progress:
        if self.terminal.isatty():
            self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
            print("\r" + " " * 100 + "\r", end="", flush=True, file=self.terminal)

    def _done(self) -> int:
        with get_engine().connect() as conn:
            return conn.execute(
                sa.text("SELECT count(*) FROM dart_ops.partition_loads WHERE asset_key = :key AND loaded_at >= :since"),
                {"key": self.asset_key, "since": self.since},
            ).scalar_one()

    def _loop(self) -> None:
        while not self._stop.wait(0.5):
            try:
                done = self._done()
            except sa.exc.SQLAlchemyError:
                continue
            filled = int(30 * done / max(1, self.total))
            bar = f"[{'#' * filled}{'.' * (30 - filled)}] {done}/{self.total} sessions"
            print(f"\r  {self.label} {bar}", end="", flush=True, file=self.terminal)


def execute(
    instance: dg.DagsterInstance,
    name: str,
    partitions: str | tuple[str, str] | None = None,
    *,
    progress: tuple[int, str] | None = None,
) -> bool:
    """Run a job in this process, quietly; a (first, last) pair runs a partition range as one
    run, the way a single-run backfill does. `progress` = (partitions, asset key) shows a bar."""
    tags: dict[str, str] = {}
    partition_key = None
    if isinstance(partitions, tuple):
        tags.update({ASSET_PARTITION_RANGE_START_TAG: partitions[0], ASSET_PARTITION_RANGE_END_TAG: partitions[1]})
        label = f"{name} [{partitions[0]}..{partitions[1]}]"
    else:
        partition_key = partitions
        label = name + (f" [{partitions}]" if partitions else "")
    started = time.perf_counter()
    quiet = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
    path = log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    # dagster-dbt echoes dbt's whole output on stdout: it belongs in the log, not the console.
    with Progress(label, *progress) if progress else contextlib.nullcontext(), path.open("a", encoding="utf-8") as log:
        with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
            result = _job(name).execute_in_process(
                instance=instance, partition_key=partition_key, tags=tags, raise_on_error=False, run_config=quiet
            )
    _append_log(instance, result.run_id)
    status = "ok" if result.success else "FAILED (details in the log file and the Dagster UI)"
    print(f"  {label}: {status} in {time.perf_counter() - started:.0f} s (run {result.run_id[:8]})", flush=True)
    return result.success


def log_path() -> Path:
    return get_settings().home / "logs" / "demo.log"


def _append_log(instance: dg.DagsterInstance, run_id: str) -> None:
    """The run's whole event stream, as the UI shows it, appended to the demo's log file."""
    with log_path().open("a", encoding="utf-8") as log:
        for record in instance.all_logs(run_id):
            level = logging.getLevelName(record.level)
            log.write(
                f"{record.timestamp:.3f} {run_id[:8]} {level:<7} {record.step_key or '-'} {record.user_message}\n"
            )


TABLES = [
    "dart_raw.corp_codes",
    "dart_raw.disclosures",
    "dart_raw.major_events",
    "dart_raw.financial_accounts",
    "market_raw.kospi_index",
    "market_raw.derivative_indices",
    "market_raw.stock_trades",
    "market_raw.option_trades",
    "market_raw.government_bonds",
    "market_raw.bond_yields",
    "dart_ops.quarantine",
    "dart_marts.disclosure_impact_scores",
    "dart_marts.daily_disclosure_sentiment",
    "dart_marts.market_moving_events",
    "dart_marts.index_weights",
    "dart_marts.fear_greed_index",
]
COMPONENTS = (
    "momentum",
    "strength",
    "breadth",
    "put_call",
    "volatility",
    "safe_haven",
    "junk_bond",
    "disclosure_sentiment",
)


def table_counts() -> dict[str, int]:
    counts: dict[str, int] = {}
    with get_engine().connect() as conn:
        for table in TABLES:
            try:
                counts[table] = conn.execute(sa.text(f"select count(*) from {table}")).scalar_one()
            except sa.exc.ProgrammingError:
                conn.rollback()
                counts[table] = -1
    return counts


def latest_reading(before: date) -> dict | None:
    """The index row of the last session before `before`, or None."""
    with get_engine().connect() as conn:
        row = (
            conn.execute(
                sa.text("SELECT * FROM dart_marts.fear_greed_index WHERE date < :d ORDER BY date DESC LIMIT 1"),
                {"d": before},
            )
            .mappings()
            .first()
        )
    return dict(row) if row else None


def describe_reading(row: dict | None, expected: date) -> list[str]:
    if row is None:
        return ["No Fear & Greed reading yet: dart_marts.fear_greed_index is empty."]
    lines = [f"Fear & Greed index for {row['date']}: {float(row['value']):.1f} ({row['label']})"]
    if row["date"] != expected:
        lines.append(f"  (the last session before today is {expected}; its inputs have not landed)")
    for component in COMPONENTS:
        score = row.get(f"{component}_score")
        shown = f"{float(score):5.1f}" if score is not None else "    -"
        lines.append(f"  {component:<22}{shown}")
    return lines


def main() -> int:
    warnings.filterwarnings("ignore")  # beta/preview notices of Dagster: not for a newcomer's console
    today = seoul_today()
    windows = demo_windows(today)
    with data_sources() as source, dg.DagsterInstance.get() as instance:
        print(f"dart-fg demo: data from {source}")
        print(f"  full event stream: {log_path()} (and the Dagster UI: make dev)")
        first, last = windows.market_sessions
        sessions = len(xkrx().sessions_in_range(first, last))
        ok = execute(instance, "dart_corp_codes")
        ok = execute(instance, "dart_daily", windows.dart_days) and ok
        for week in windows.weeks:
            ok = execute(instance, "dart_weekly", week) and ok
        ok = (
            execute(instance, "market_daily", windows.market_sessions, progress=(sessions, "market_raw/stock_trades"))
            and ok
        )
    print("\nRows now in the warehouse:")
    for table, n in table_counts().items():
        print(f"  {table:42s} {n if n >= 0 else 'missing'}")
    print()
    print("\n".join(describe_reading(latest_reading(today), previous_session(today))))
    print(
        "\nNext: `make dev` opens the Dagster UI at http://127.0.0.1:3000 (runs, asset lineage,"
        " checks, metadata);\n      `make docs` serves the dbt docs; `.venv/bin/dart-fg health` reports health."
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
