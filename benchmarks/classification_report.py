"""Classification coverage and score distribution of the dbt taxonomy on every recorded real filing.

`python -m benchmarks.classification_report`: loads the real filings of dart_assets/simulator/data
into a scratch PostgreSQL, runs the dbt models up to disclosure_impact_scores, and prints the
share classified (goal >= 97%), the count per event type, the titles left unclassified and the
distribution of impact scores. Writes the "dbt" section of benchmarks/RESULTS.md unless --no-write.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from benchmarks.common import RESULTS, measured_on, scratch_postgres, table
from dart_assets.transform import samples
from dart_assets.transform.project import build_args, run_dbt

SECTION = "dbt"


def dbt_or_fail(args: list[str], url: str) -> tuple[float, dict]:
    """Run dbt, fail loudly with its output; returns the wall time (s) and dbt's run_results."""
    with tempfile.TemporaryDirectory(prefix="dart_fg_dbt_target_") as target:
        started = time.perf_counter()
        result = run_dbt(args, url, Path(target))
        elapsed = time.perf_counter() - started
        if result.returncode != 0:
            raise SystemExit(f"dbt {' '.join(args)} failed:\n{result.stdout[-4000:]}{result.stderr[-2000:]}")
        return elapsed, json.loads((Path(target) / "run_results.json").read_text())


def write_subsection(title: str, text: str) -> None:
    """Replace (or append) "### <title>" inside the "## dbt" section of RESULTS.md; other sections stay."""
    current = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    section_re = re.compile(rf"^## {SECTION}\n.*?(?=^## |\Z)", re.S | re.M)
    found = section_re.search(current)
    body = found.group(0) if found else f"## {SECTION}\n\n"
    block = f"### {title}\n\n{text.strip()}\n\n"
    sub_re = re.compile(rf"^### {re.escape(title)}\n.*?(?=^### |\Z)", re.S | re.M)
    body = sub_re.sub(lambda _m: block, body) if sub_re.search(body) else body.rstrip("\n") + "\n\n" + block
    if found:
        updated = current[: found.start()] + body + current[found.end() :]
    else:
        updated = current.rstrip("\n") + "\n\n" + body
    RESULTS.write_text(updated.rstrip("\n") + "\n")


def report(engine: sa.Engine, n_loaded: int) -> str:
    with engine.connect() as conn:
        q = lambda sql: list(conn.execute(sa.text(sql)))  # noqa: E731
        total, classified, routine = q(
            """select count(*), count(*) filter (where event_type <> 'other'), count(*) filter (where is_routine)
               from dart_marts.disclosure_impact_scores"""
        )[0]
        by_type = q(
            """select event_type, count(*), round(avg(impact_score), 1)
               from dart_marts.disclosure_impact_scores group by 1 order by 2 desc, 1"""
        )
        unclassified = q(
            """select event_title, count(*) from dart_marts.disclosure_impact_scores
               where event_type = 'other' group by 1 order by 2 desc, 1 limit 15"""
        )
        buckets = q(
            """select case when impact_score = 50 then '50 exactly (no expected move)'
                           else lpad((10 * floor(impact_score / 10))::int::text, 2, '0') || '-'
                                || (10 * floor(impact_score / 10) + 10)::int end as bucket,
                      count(*)
               from dart_marts.disclosure_impact_scores group by 1 order by 1"""
        )
        containers = q("select count(*) from dart_marts.disclosure_impact_scores where event_type = 'material_other'")[0][0]
        pct = q(
            """select percentile_cont(array[0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99])
                      within group (order by impact_score) from dart_marts.disclosure_impact_scores
               where sentiment_weight > 0"""
        )[0][0]
        polarity = dict(q("select polarity, count(*) from dart_marts.disclosure_impact_scores group by 1"))
    share = classified / total
    lines = [
        f"`python -m benchmarks.classification_report`: {n_loaded:,} recorded real filings (every file of "
        "dart_assets/simulator/data with titles: 110 large caps 2025-03..2026-03, all 502 filings of 2022-01-03, "
        "와이지-원 2016-2025, DartNotice titles, the watch-list sample) through dbt up to "
        f"disclosure_impact_scores. {measured_on()}",
        "",
        f"- **Classified: {classified:,} of {total:,} = {share:.2%}** (goal >= 97%); routine {routine:,} "
        f"({routine / total:.1%}), scored events {total - routine - (total - classified):,}.",
        f"- Polarity after modifiers: positive {polarity.get('positive', 0):,}, negative {polarity.get('negative', 0):,}, "
        f"neutral {polarity.get('neutral', 0):,}.",
        "- In-sample: the taxonomy was reviewed against these same titles, so new vocabulary will show up as "
        "`other` (counted per day in daily_disclosure_sentiment.n_unclassified and coverage). "
        f"{containers:,} filings are container titles (기타경영사항, 투자판단관련주요경영사항, ...) whose remark named "
        "no known event: classified as `material_other`, neutral.",
        "- Unclassified titles: " + (", ".join(f"{t} ({n})" for t, n in unclassified) if unclassified else "none") + ".",
        "- Impact scores of scored filings (weight 1), percentiles 1/5/25/50/75/95/99: "
        + " / ".join(f"{float(v):.1f}" for v in pct)
        + ".",
        "",
        *table(("impact score", "filings"), [(b, f"{n:,}") for b, n in buckets]),
        "",
        *table(("event type", "filings", "mean score"), [(t, f"{n:,}", s) for t, n, s in by_type]),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()
    rows = samples.all_recorded_rows()
    with scratch_postgres() as url:
        engine = sa.create_engine(url)
        samples.load_disclosures(engine, rows)
        dbt_or_fail(build_args() + ["--select", "+disclosure_impact_scores"], url)
        text = report(engine, len(rows))
        engine.dispose()
    print(text)
    if not args.no_write:
        write_subsection("Classification coverage", text)
        print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
