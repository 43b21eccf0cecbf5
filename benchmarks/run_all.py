"""Every benchmark in turn at modest sizes, printing their tables (`make bench`).

Each runs in its own process, as it would from the command line, so that one benchmark's
environment, imports and peak memory do not leak into the next. RESULTS.md is left alone
(--no-write): its figures come from the full-size runs each script documents.

Run: `.venv/bin/python -m benchmarks.run_all`.
"""

from __future__ import annotations

import subprocess
import sys
import time

BENCHMARKS: tuple[tuple[str, ...], ...] = (
    ("bench_client", "--volume", "500", "--no-write"),
    ("bench_backfill", "--days", "10", "--volume", "300", "--no-write"),
    ("bench_daily_calls", "--days", "1", "--no-write"),
    ("classification_report", "--no-write"),
    ("bench_dbt", "--disclosures", "500", "--no-write"),
    ("bench_api", "--requests", "50", "--per-day", "200", "--no-write"),
    ("bench_faults", "--volume", "100", "--flood", "2000", "--flood-from", "127.0.0.2", "--no-write"),
)


def main() -> int:
    failed = []
    for name, *args in BENCHMARKS:
        command = [sys.executable, "-m", f"benchmarks.{name}", *args]
        print(f"\n# python {' '.join(command[1:])}\n", flush=True)
        started = time.perf_counter()
        returncode = subprocess.run(command).returncode
        print(f"\n({name}: {time.perf_counter() - started:.0f} s, exit {returncode})", flush=True)
        if returncode:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
