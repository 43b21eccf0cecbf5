"""Market backfill benchmark: every XKRX session since 2020-01-02 through the real asset code.

The simulator (`dart-fg sim` in its own process, so its memory is not counted) serves KRX and
ECOS; the six `market_raw/*` assets are materialized for the whole range as ONE Dagster run
(single-run backfill) into a fresh embedded PostgreSQL. Reported: wall time, rows, calls per
service against one key-day of KRX's quota (about 10,000 calls), and the peak RSS.

The calls are one per endpoint and session at KRX (five endpoints) and a handful of ranged pages
at ECOS: the quota decides whether the history is one launch, the rate ceiling only how long it
takes. The benchmark runs the ceiling at `--rps` (the simulator is local) and reports what the
calls alone take at the default 5 requests/s.

Run: `.venv/bin/python -m benchmarks.bench_market_backfill [--first 2020-01-02] [--last YYYY-MM-DD]
[--rps 100] [--no-write]`.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time

import sqlalchemy as sa

from benchmarks.bench_backfill import simulator
from benchmarks.common import RESULTS, measured_on, scratch_postgres, table, write_section
from dart_assets.core.calendar import previous_session, xkrx
from dart_assets.sources.http.quota import seoul_today

KEY = "benchMarketKey000000"
DEFAULT_RPS = 5.0  # DART_FG_MARKET_REQUESTS_PER_SECOND's default


def run(first: str, last: str, rps: float) -> dict:
    sessions = len(xkrx().sessions_in_range(first, last))
    with (
        scratch_postgres(migrate=False) as url,
        simulator(50) as base,
        tempfile.TemporaryDirectory(prefix="dart_fg_bench_") as home,
    ):
        root = base.removesuffix("/api")
        os.environ.update(
            DATABASE_URL=url,
            KRX_API_BASE_URL=f"{root}/krx/svc/apis",
            ECOS_API_BASE_URL=f"{root}/ecos/api",
            KRX_API_KEY=KEY,
            ECOS_API_KEY=KEY,
            DART_FG_HOME=home,
            DART_FG_MARKET_REQUESTS_PER_SECOND=str(rps),
        )
        import dagster as dg

        from dart_assets.core.settings import get_settings
        from dart_assets.sources.defs import defs
        from dart_assets.sources.market.assets import MARKET_ASSETS

        get_settings.cache_clear()
        budget = get_settings().market_daily_call_budget
        started = time.perf_counter()
        result = dg.materialize(
            MARKET_ASSETS,
            resources=defs.resources,
            tags={"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last},
            raise_on_error=False,
        )
        wall_s = time.perf_counter() - started
        with sa.create_engine(url).connect() as conn:
            calls = dict(
                conn.execute(
                    sa.text("SELECT split_part(key_id, ':', 1), sum(calls) FROM dart_ops.api_quota_usage GROUP BY 1")
                ).all()
            )
            rows = conn.execute(
                sa.text(
                    "SELECT (SELECT count(*) FROM market_raw.stock_trades),"
                    " (SELECT count(*) FROM market_raw.option_trades),"
                    " (SELECT count(*) FROM market_raw.bond_yields),"
                    " (SELECT count(DISTINCT date) FROM market_raw.kospi_index)"
                )
            ).one()
            quarantined = conn.execute(sa.text("SELECT count(*) FROM dart_ops.quarantine")).scalar_one()
    return {
        "first": first,
        "last": last,
        "sessions": sessions,
        "success": result.success,
        "wall_s": wall_s,
        "krx_calls": int(calls.get("KRX", 0)),
        "ecos_calls": int(calls.get("ECOS", 0)),
        "budget": budget,
        "stock_rows": rows[0],
        "option_rows": rows[1],
        "yield_rows": rows[2],
        "kospi_sessions": rows[3],
        "quarantined": quarantined,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rps": rps,
    }


def section(r: dict) -> str:
    return "\n".join(
        [
            "## Market backfill",
            "",
            f"`python -m benchmarks.bench_market_backfill --rps {r['rps']:g}`: "
            "the six `market_raw/*` assets for every XKRX "
            f"session {r['first']}..{r['last']} ({r['sessions']:,} sessions) as one Dagster run, "
            "from the bundled simulator's "
            f"KRX and ECOS over HTTP on 127.0.0.1, into a fresh embedded PostgreSQL 16. {measured_on()}",
            "",
            *table(
                ("metric", "value"),
                [
                    ("outcome", "success" if r["success"] else "FAILED"),
                    ("wall time", f"{r['wall_s']:.0f} s ({r['wall_s'] / 60:.1f} min) at {r['rps']:g} requests/s"),
                    (
                        "KRX calls",
                        f"{r['krx_calls']:,} of one key-day's budget of {r['budget']:,}: "
                        f"{'inside, one launch' if r['krx_calls'] <= r['budget'] else 'OVER'}",
                    ),
                    ("ECOS calls", f"{r['ecos_calls']:,} (ranged pages of 1,000 rows)"),
                    (
                        "rows",
                        f"{r['stock_rows']:,} issue-sessions, {r['option_rows']:,} option series-sessions, "
                        f"{r['yield_rows']:,} ECOS rates; KOSPI on {r['kospi_sessions']:,} sessions; "
                        f"quarantined {r['quarantined']}",
                    ),
                    ("peak memory (RSS of the run's process)", f"{r['peak_rss_mib']:.0f} MiB"),
                ],
            ),
            "",
            f"- At the default ceiling of {DEFAULT_RPS:g} requests/s the KRX calls alone take "
            f"{r['krx_calls'] / DEFAULT_RPS / 60:.0f} min; the rest of the wall time is validation and loading.",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first", default="2020-01-02", help="first session (default 2020-01-02)")
    parser.add_argument(
        "--last",
        default=previous_session(seoul_today()).isoformat(),
        help="last session (default: the last before today)",
    )
    parser.add_argument(
        "--rps", type=float, default=100.0, help="client requests per second (default 100: the simulator is local)"
    )
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()
    text = section(run(args.first, args.last, args.rps))
    print(text)
    if not args.no_write:
        write_section("Market backfill", text)
        print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
