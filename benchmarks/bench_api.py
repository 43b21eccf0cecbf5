"""Read API latency: p50/p95/p99 per endpoint over real HTTP (uvicorn on 127.0.0.1).

Loads a warehouse-sized fixture (a year of disclosures at ~2,000 a day with scores, and the
index) into a throwaway embedded PostgreSQL, then sends a bounded number of requests.
Run: `.venv/bin/python -m benchmarks.bench_api [--requests N]`.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from datetime import date, timedelta

import httpx
import sqlalchemy as sa
import uvicorn

from benchmarks.common import measured_on, scratch_postgres, table, table_row, write_section
from dart_assets.api.app import create_app
from dart_assets.api.keys import create_api_key

FIXTURE = """
create schema if not exists dart_marts;
create table dart_marts.disclosure_impact_scores (
    rcept_no text primary key, rcept_dt date, corp_code text, event_type text, impact_score numeric);
create index on dart_marts.disclosure_impact_scores (rcept_dt);
create table dart_marts.fear_greed_index (date date primary key, value numeric, label text);
create table dart_marts.daily_disclosure_sentiment (date date primary key, n_disclosures int, sentiment_score numeric);
insert into dart_raw.disclosures (rcept_no, corp_code, corp_name, stock_code, corp_cls, report_nm, flr_nm, rcept_dt, rm)
select to_char(d, 'YYYYMMDD') || lpad(i::text, 6, '0'), lpad((i % 3000)::text, 8, '0'), 'corp ' || (i % 3000),
       null, 'Y', '단일판매ㆍ공급계약체결', 'corp', d::date, ''
from generate_series(date '2025-09-01', date '2026-08-31', interval '1 day') d, generate_series(1, :per_day) i
where extract(isodow from d) < 6;
insert into dart_marts.disclosure_impact_scores
select rcept_no, rcept_dt, corp_code, 'supply_contract', 65 from dart_raw.disclosures;
insert into dart_marts.fear_greed_index
select d::date, 50, 'neutral' from generate_series(date '2022-01-01', date '2026-08-31', interval '1 day') d;
insert into dart_marts.daily_disclosure_sentiment
select d::date, 2000, 55 from generate_series(date '2022-01-01', date '2026-08-31', interval '1 day') d;
analyze;
"""


def serve(app, port: int) -> tuple[uvicorn.Server, threading.Thread]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, thread


def _percentiles(samples: list[float]) -> tuple[str, ...]:
    q = statistics.quantiles(samples, n=100)
    return f"{q[49]:.1f}", f"{q[94]:.1f}", f"{q[98]:.1f}", f"{max(samples):.1f}"


def _timed(client: httpx.Client, path: str, n: int) -> list[float]:
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        client.get(path).raise_for_status()
        samples.append((time.perf_counter() - t) * 1000)
    return samples


def _concurrent(base_url: str, key: str, paths: list[str], clients: int, n: int) -> list[float]:
    """`clients` threads, each with its own connection, cycling through the paths."""
    results: list[list[float]] = [[] for _ in range(clients)]

    def worker(i: int) -> None:
        with httpx.Client(base_url=base_url, headers={"X-API-Key": key}) as client:
            for j in range(n):
                results[i] += _timed(client, paths[(i + j) % len(paths)], 1)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return [x for r in results for x in r]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400, help="requests per endpoint")
    parser.add_argument("--per-day", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients of the mixed scenario")
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()
    base_url = "http://127.0.0.1:8765"
    with scratch_postgres() as url:
        engine = sa.create_engine(url, pool_size=8)
        t0 = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(sa.text(FIXTURE.replace(":per_day", str(args.per_day))))
            n = conn.execute(sa.text("select count(*) from dart_raw.disclosures")).scalar_one()
        print(f"fixture: {n:,} disclosures loaded in {time.perf_counter() - t0:.1f} s")
        key = create_api_key(engine, "bench", ["read"])
        server, thread = serve(create_app(engine=engine, rate_limit="1000000/minute"), 8765)
        day = date(2026, 8, 14)
        endpoints = {
            "disclosures (1 day, 100 rows)": f"/api/dart/disclosures?from={day}&to={day}",
            "disclosures (corp, 1 year)": (
                f"/api/dart/disclosures?from={day - timedelta(days=365)}&to={day}&corp_code=00000042"
            ),
            "impact-scores (1 day, 500 rows)": f"/api/dart/impact-scores?from={day}&to={day}&limit=500",
            "sentiment (30 days)": f"/api/dart/sentiment?from={day - timedelta(days=30)}&to={day}",
            "fear-greed (1 year)": f"/api/dart/fear-greed?from={day - timedelta(days=365)}&to={day}",
            "fear-greed/latest": "/api/dart/fear-greed/latest",
        }
        lines = table(("endpoint", "requests", "p50 ms", "p95 ms", "p99 ms", "max ms"))
        print("\n" + "\n".join(lines))
        with httpx.Client(base_url=base_url, headers={"X-API-Key": key}) as client:
            for name, path in endpoints.items():
                client.get(path).raise_for_status()  # warm-up
                samples = _timed(client, path, args.requests)
                lines.append(table_row((name, len(samples), *_percentiles(samples))))
                print(lines[-1])
        mixed = _concurrent(base_url, key, list(endpoints.values()), args.clients, args.requests)
        lines.append(table_row((f"all six mixed, {args.clients} concurrent clients", len(mixed), *_percentiles(mixed))))
        print(lines[-1])
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()
    if not args.no_write:
        write_section(
            "Read API",
            "## Read API\n\n"
            f"`python -m benchmarks.bench_api`: uvicorn (one worker) on 127.0.0.1, a fixture of {n:,} "
            "disclosures (a year at the given volume per weekday) with impact scores and 4.7 years of "
            "index and sentiment rows in a fresh embedded PostgreSQL 16; latency measured by an httpx "
            f"client over real HTTP, sequential per endpoint, then mixed. {measured_on()}\n\n"
            + "\n".join(lines)
            + "\n\n- Goal: p99 far under 200 ms. API keys are checked against a 30 s in-process cache, "
            "so a request costs one query.\n",
        )


if __name__ == "__main__":
    main()
