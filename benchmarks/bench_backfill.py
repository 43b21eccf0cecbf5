"""Backfill benchmark: 250 business days of disclosures through the real asset code.

The simulator (in its own process, so its memory is not counted) serves ~2,000 filings per
business day; `dart_raw/disclosures` is materialized for the whole range as ONE Dagster run
(the asset's single-run backfill policy) into a fresh embedded PostgreSQL. Reported: wall time,
rows, list.json calls (and per 1,000 disclosures), whether the calls fit one key's daily quota,
and the benchmark process's peak RSS.

The client keeps its rate ceiling: DART blocks an IP at about 1,000 requests a minute, so the
backfill runs at `--rps` (default 15/s = 900/min) rather than unthrottled.

Run: `.venv/bin/python -m benchmarks.bench_backfill [--days 250] [--volume 2000] [--rps 15] [--no-write]`.
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import exchange_calendars as xcals
import httpx
import sqlalchemy as sa

from benchmarks.common import RESULTS, measured_on, scratch_postgres, table, write_section

KEY = "c" * 40  # the simulator accepts any 40-character key
LAST_DAY = date(2025, 12, 30)  # last XKRX session of 2025
DART_DAILY_LIMIT = 20_000


def business_days(n: int, last: date = LAST_DAY) -> tuple[str, str, int]:
    """(first session, last session, sessions) of the n XKRX sessions ending at `last`."""
    sessions = xcals.get_calendar("XKRX").sessions_in_range("2015-01-01", last.isoformat())[-n:]
    return sessions[0].date().isoformat(), sessions[-1].date().isoformat(), len(sessions)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def simulator(volume: int) -> Iterator[str]:
    """`dart-fg sim` in a child process; yields its base URL."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "dart_assets.cli", "sim", "--port", str(port), "--daily-volume", str(volume)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/api"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/list.json", timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the simulator did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def run(days: int, volume: int, rps: float) -> dict:
    first, last, sessions = business_days(days)
    with (
        scratch_postgres(migrate=False) as url,
        simulator(volume) as base,
        tempfile.TemporaryDirectory(prefix="dart_fg_bench_") as home,
    ):
        os.environ.update(
            DATABASE_URL=url,
            DART_API_BASE_URL=base,
            DART_API_KEY=KEY,
            DART_FG_HOME=home,
            DART_FG_REQUESTS_PER_SECOND=str(rps),
        )
        os.environ.pop("DART_API_KEYS", None)
        import dagster as dg

        from dart_assets.core.settings import get_settings
        from dart_assets.sources.dart.assets.disclosures import disclosures
        from dart_assets.sources.defs import defs

        get_settings.cache_clear()
        budget = get_settings().daily_call_budget
        started = time.perf_counter()
        result = dg.materialize(
            [disclosures],
            resources=defs.resources,
            tags={"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last},
            raise_on_error=False,
        )
        wall_s = time.perf_counter() - started
        with sa.create_engine(url).connect() as conn:
            rows = conn.execute(sa.text("SELECT count(*) FROM dart_raw.disclosures")).scalar_one()
            partitions, calls, retries, quarantined = conn.execute(
                sa.text("SELECT count(*), sum(api_calls), sum(retries), sum(quarantined) FROM dart_ops.partition_loads")
            ).one()
    return {
        "first": first,
        "last": last,
        "sessions": sessions,
        "partitions": partitions,
        "success": result.success,
        "wall_s": wall_s,
        "rows": rows,
        "calls": int(calls or 0),
        "retries": int(retries or 0),
        "quarantined": int(quarantined or 0),
        "budget": budget,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rps": rps,
        "volume": volume,
    }


def section(r: dict) -> str:
    per_1000 = r["calls"] / r["rows"] * 1000 if r["rows"] else float("nan")
    return "\n".join(
        [
            "## Backfill",
            "",
            f"`python -m benchmarks.bench_backfill --days {r['sessions']}`: `dart_raw/disclosures` "
            f"for {r['sessions']} XKRX "
            f"business days ({r['first']}..{r['last']}, {r['partitions']} daily partitions with weekends and holidays) "
            f"as one Dagster run (single-run backfill policy), from the bundled simulator at ~{r['volume']:,} filings "
            f"per business day over HTTP on 127.0.0.1, into a fresh embedded PostgreSQL 16. {measured_on()}",
            "",
            *table(
                ("metric", "value"),
                [
                    ("outcome", "success" if r["success"] else "FAILED"),
                    ("wall time", f"{r['wall_s']:.0f} s ({r['wall_s'] / 60:.1f} min; goal < 15 min)"),
                    ("disclosures stored", f"{r['rows']:,} (quarantined {r['quarantined']})"),
                    ("list.json calls", f"{r['calls']:,} ({r['retries']} retries)"),
                    ("calls per 1,000 disclosures", f"{per_1000:.2f} (floor 10 at 100 rows a page)"),
                    (
                        "daily quota",
                        f"{r['calls']:,} of one key's {r['budget']:,} budget (DART allows {DART_DAILY_LIMIT:,}): "
                        f"{'inside' if r['calls'] <= r['budget'] else 'OVER'}",
                    ),
                    ("peak memory (RSS of the run's process)", f"{r['peak_rss_mib']:.0f} MiB"),
                ],
            ),
            "",
            f"- Client rate ceiling {r['rps']:g} requests/s ({r['rps'] * 60:.0f}/min, "
            "under the ~1,000/min at which DART "
            f"blocks an IP): the calls alone take {r['calls'] / r['rps']:.0f} s of the wall time, "
            "the rest is validation "
            f"and loading. At the default ceiling of 5/s (DART_FG_REQUESTS_PER_SECOND) they would take "
            f"{r['calls'] / 5 / 60:.0f} min.",
            "- Windows of one calendar month (≤ 31 day partitions) are fetched, validated once, "
            "then each day is archived (JSONL.gz) and committed in its own transaction.",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=250, help="business days to backfill (default 250)")
    parser.add_argument("--volume", type=int, default=2000, help="filings per business day (default 2000)")
    parser.add_argument("--rps", type=float, default=15.0, help="client requests per second (default 15)")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()
    text = section(run(args.days, args.volume, args.rps))
    print(text)
    if not args.no_write:
        write_section("Backfill", text)
        print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
