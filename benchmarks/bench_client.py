"""OpenDART client: one simulated day of 2,000 disclosures, dart-fg vs OpenDartReader 0.2.2.

For each scenario it reports list.json calls (as the simulator counted them), wall time, peak
Python memory (tracemalloc, in a fresh process per run so neither the simulator nor an earlier
run is counted), and whether the result was complete and free of duplicates. Scenarios: a quiet
day; 10% of requests failing with HTTP 5xx; 5 new filings arriving before every page >= 2.
OpenDartReader hard-codes https://opendart.fss.or.kr, so inside its worker process (only) the
`requests` layer is rewritten to the simulator.

Run: `.venv/bin/python -m benchmarks.bench_client [--volume 2000] [--no-write]`.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import tempfile
import time
import tracemalloc
from datetime import date

import httpx

from benchmarks.common import RESULTS, measured_on, table, table_row, write_section
from dart_assets.core.redaction import redact
from dart_assets.sources.dart import DartClient
from simulators.server import Faults, SimulatorConfig, run_simulator

KEY = "b" * 40  # the simulator accepts any 40-character key
DART_BASE = "https://opendart.fss.or.kr/api"
QUIET_DAY = date(2026, 9, 15)
INJECT_DAYS = {"dart-fg": date(2026, 9, 16), "OpenDartReader": date(2026, 9, 17)}


# ---------------------------------------------------------------- worker processes


def _run_dart_fg(base_url: str, day: date, requests_per_second: float) -> dict:
    client = DartClient([KEY], base_url, requests_per_second=requests_per_second)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = client.list_disclosures(day, day)
        numbers = [row["rcept_no"] for row in result.rows]
        outcome = {"rows": len(numbers), "unique": len(set(numbers)), "numbers": sorted(set(numbers)), "error": None}
    except Exception as exc:  # a benchmark reports failures instead of stopping
        outcome = {"rows": 0, "unique": 0, "numbers": [], "error": f"{type(exc).__name__}: {exc}"}
    outcome["wall_s"] = time.perf_counter() - started
    outcome["peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
    outcome["retries"] = client.stats()["retries"]
    return outcome


def _redirect_requests(base_url: str) -> None:
    """Point every `requests` call at the simulator: OpenDartReader has no base-URL setting."""
    import requests

    original = requests.sessions.Session.send

    def send(self, request, **kwargs):
        request.url = request.url.replace(DART_BASE, base_url)
        return original(self, request, **kwargs)

    requests.sessions.Session.send = send


def _run_opendartreader(base_url: str, day: date) -> dict:
    _redirect_requests(base_url)
    import OpenDartReader

    os.chdir(tempfile.mkdtemp(prefix="odr_bench_"))  # its docs_cache/ goes here
    started = time.perf_counter()
    reader = OpenDartReader(KEY)  # downloads corpCode.xml (from the simulator)
    construct_s = time.perf_counter() - started
    tracemalloc.start()
    started = time.perf_counter()
    try:
        frame = reader.list(start=day.isoformat(), end=day.isoformat(), final=False)  # final=False: last_reprt_at=N
        numbers = list(frame["rcept_no"]) if len(frame) else []
        outcome = {"rows": len(numbers), "unique": len(set(numbers)), "numbers": sorted(set(numbers)), "error": None}
    except Exception as exc:
        outcome = {"rows": 0, "unique": 0, "numbers": [], "error": redact(f"{type(exc).__name__}: {exc}", [KEY])}
    outcome["wall_s"] = time.perf_counter() - started
    outcome["peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
    outcome["retries"] = 0  # it has no retry
    outcome["construct_s"] = construct_s
    return outcome


# ---------------------------------------------------------------- orchestration


def _in_fresh_process(target, *args) -> dict:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(target, args)


def _truth(base_url: str, day: date) -> set[str]:
    """What the simulator lists for the day once nothing moves (read without faults)."""
    with DartClient([KEY], base_url, requests_per_second=1000) as client:
        return {row["rcept_no"] for row in client.list_disclosures(day, day).rows}


def _warm(base_url: str, day: date) -> None:
    """Have the simulator generate the day before anything is timed."""
    httpx.get(
        f"{base_url}/list.json", params={"crtfc_key": KEY, "bgn_de": f"{day:%Y%m%d}", "page_count": 1}, timeout=300
    )


def run(volume: int) -> list[dict]:
    rows = []
    with run_simulator(SimulatorConfig(daily_volume=volume, seed=42)) as sim:
        httpx.get(f"{sim.base_url}/corpCode.xml", params={"crtfc_key": KEY}, timeout=300)  # built once, cached
        for day in (QUIET_DAY, *INJECT_DAYS.values()):
            _warm(sim.base_url, day)
        scenarios = [
            ("dart-fg (unthrottled)", "quiet", _run_dart_fg, (sim.base_url, QUIET_DAY, 1000.0), Faults(), QUIET_DAY),
            ("dart-fg (default 5 req/s)", "quiet", _run_dart_fg, (sim.base_url, QUIET_DAY, 5.0), Faults(), QUIET_DAY),
            ("OpenDartReader 0.2.2", "quiet", _run_opendartreader, (sim.base_url, QUIET_DAY), Faults(), QUIET_DAY),
            (
                "dart-fg (unthrottled)",
                "10% HTTP 5xx",
                _run_dart_fg,
                (sim.base_url, QUIET_DAY, 1000.0),
                Faults(error_rate=0.1),
                QUIET_DAY,
            ),
            (
                "OpenDartReader 0.2.2",
                "10% HTTP 5xx",
                _run_opendartreader,
                (sim.base_url, QUIET_DAY),
                Faults(error_rate=0.1),
                QUIET_DAY,
            ),
            (
                "dart-fg (unthrottled)",
                "5 new filings/page",
                _run_dart_fg,
                (sim.base_url, INJECT_DAYS["dart-fg"], 1000.0),
                Faults(inject_new_filings_per_page=5),
                INJECT_DAYS["dart-fg"],
            ),
            (
                "OpenDartReader 0.2.2",
                "5 new filings/page",
                _run_opendartreader,
                (sim.base_url, INJECT_DAYS["OpenDartReader"]),
                Faults(inject_new_filings_per_page=5),
                INJECT_DAYS["OpenDartReader"],
            ),
        ]
        for client, scenario, target, args, faults, day in scenarios:
            sim.config.faults = faults
            before = len(sim.requests)
            outcome = _in_fresh_process(target, *args)
            log = sim.requests[before:]
            sim.config.faults = Faults()
            truth = _truth(sim.base_url, day)
            got = set(outcome.pop("numbers"))
            rows.append(
                {
                    "client": client,
                    "scenario": scenario,
                    "calls": sum(1 for r in log if r.endpoint == "list.json"),
                    "failed_calls": sum(1 for r in log if r.endpoint == "list.json" and r.http_status >= 500),
                    "expected": len(truth),
                    "missing": len(truth - got),
                    "duplicates": outcome["rows"] - outcome["unique"],
                    **outcome,
                }
            )
            print(_row(rows[-1]), flush=True)
    return rows


# ---------------------------------------------------------------- report

HEADER = "\n".join(
    table(
        (
            "client",
            "scenario",
            "list.json calls (5xx)",
            "retries",
            "wall s",
            "peak MiB",
            "rows / expected",
            "missing",
            "duplicates",
            "outcome",
        )
    )
)


def _row(r: dict) -> str:
    outcome = (
        "complete" if not r["error"] and not r["missing"] and not r["duplicates"] else (r["error"] or "incomplete")
    )
    outcome = re.sub(r"\s+", " ", outcome)[:90].replace("|", "/")
    return table_row((
        r["client"], r["scenario"], f"{r['calls']} ({r['failed_calls']})", r["retries"], f"{r['wall_s']:.2f}",
        f"{r['peak_mib']:.1f}", f"{r['rows']} / {r['expected']}", r["missing"], r["duplicates"], outcome,
    ))  # fmt: skip


def section(rows: list[dict], volume: int) -> str:
    odr = next((r for r in rows if r["client"].startswith("OpenDartReader") and "construct_s" in r), None)
    lines = [
        "## Client",
        "",
        f"`python -m benchmarks.bench_client`: one simulated day of {volume:,} disclosures (list.json, page_count=100, "
        f"floor {-(-volume // 100)} calls) on the bundled simulator over real HTTP on 127.0.0.1. {measured_on()}",
        "",
        HEADER,
        *(_row(r) for r in rows),
        "",
        '- Calls are counted by the simulator; "(5xx)" are the ones it failed on purpose. Peak MiB is Python heap '
        "(tracemalloc) during `list()` alone, each run in a fresh process. One run per row: wall times moved by up to "
        "2x between repeated runs on this shared machine; calls, rows and outcomes are deterministic (seeded faults).",
        '- "unthrottled" = `requests_per_second=1000`, for a like-for-like wall time with OpenDartReader, which never '
        "waits; the default 5 req/s ceiling (DART blocks IPs at ~1,000/min) makes a day cost (calls - 1) / 5 s more.",
        "- dart-fg's retries use the default backoff (0.5 s base, exponential, jitter); OpenDartReader has no retry "
        "and no de-duplication, and reads a fixed page count taken from page 1.",
        '- "missing" is against what the simulator lists for the day afterwards (all filings, injected ones included).',
    ]
    if odr:
        lines.append(
            f"- OpenDartReader also downloads corpCode.xml when constructed (not in the table): "
            f"{odr['construct_s']:.1f} s here."
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volume", type=int, default=2000)
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()
    print(HEADER)
    rows = run(args.volume)
    text = section(rows, args.volume)
    print()
    print(text)
    if not args.no_write:
        write_section("Client", text)
        print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
