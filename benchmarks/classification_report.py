"""Classification coverage and score distribution of the dbt taxonomy on every recorded real filing.

`python -m benchmarks.classification_report`: loads the real filings of simulators/data
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
from collections import Counter
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from benchmarks.common import RESULTS, measured_on, scratch_postgres, table
from dart_assets.sources.dart.major_events import endpoint_for_title
from dart_assets.transform.project import build_args
from tests.support import samples
from tests.support.dbt import run_dbt

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
        containers = q("select count(*) from dart_marts.disclosure_impact_scores where event_type = 'material_other'")[
            0
        ][0]
        pct = q(
            """select percentile_cont(array[0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99])
                      within group (order by impact_score) from dart_marts.disclosure_impact_scores
               where sentiment_weight > 0"""
        )[0][0]
        polarity = dict(q("select polarity, count(*) from dart_marts.disclosure_impact_scores group by 1"))
    share = classified / total
    lines = [
        f"`python -m benchmarks.classification_report`: {n_loaded:,} recorded real filings (every file of "
        "simulators/data with titles: 110 large caps 2025-03..2026-03, all 502 filings of 2022-01-03, "
        "와이지-원 2016-2025, DartNotice titles, the watch-list sample, the filings of the real DS005 items of "
        "responses/material), with those DS005 details and 와이지-원's financials, through dbt up to "
        f"disclosure_impact_scores. {measured_on()}",
        "",
        f"- **Classified: {classified:,} of {total:,} = {share:.2%}** (goal >= 97%); routine {routine:,} "
        f"({routine / total:.1%}), scored events {total - routine - (total - classified):,}.",
        f"- Polarity after modifiers: positive {polarity.get('positive', 0):,}, "
        f"negative {polarity.get('negative', 0):,}, "
        f"neutral {polarity.get('neutral', 0):,}.",
        "- In-sample: the taxonomy was reviewed against these same titles, so new vocabulary will show up as "
        "`other` (counted per day in daily_disclosure_sentiment.n_unclassified and coverage). "
        f"{containers:,} filings are container titles (기타경영사항, 투자판단관련주요경영사항, ...) whose remark named "
        "no known event: classified as `material_other`, neutral.",
        "- Unclassified titles: "
        + (", ".join(f"{t} ({n})" for t, n in unclassified) if unclassified else "none")
        + ".",
        "- Impact scores of scored filings (weight 1), percentiles 1/5/25/50/75/95/99: "
        + " / ".join(f"{float(v):.1f}" for v in pct)
        + ".",
        "",
        *table(("impact score", "filings"), [(b, f"{n:,}") for b, n in buckets]),
        "",
        *table(("event type", "filings", "mean score"), [(t, f"{n:,}", s) for t, n, s in by_type]),
    ]
    return "\n".join(lines)


#: The time split: the taxonomy is judged on what it would know from the filings before this day.
CUT = date(2025, 12, 1)

_SPLIT_CTES = """
with taxonomy as (
    select priority, event_type, pattern from dart_staging.event_taxonomy
),
filings as (
    select s.rcept_no, s.rcept_dt, s.classify_text, s.event_title, s.pblntf_ty, c.event_type
    from dart_staging.stg_dart__disclosures as s
    join dart_marts.disclosure_impact_scores as c using (rcept_no)
),
-- A pattern "seen before the cut" matches at least one earlier title: the part of the
-- taxonomy a review of the earlier filings alone could have written.
seen as (
    select t.* from taxonomy as t
    where exists (select 1 from filings as f where f.rcept_dt < :cut and f.classify_text ~ t.pattern)
)
"""
_UNSEEN_SQL = (
    _SPLIT_CTES
    + """
select
    f.rcept_no, f.event_title, f.pblntf_ty, f.event_type,
    exists (select 1 from seen where f.classify_text ~ seen.pattern) as matched_seen,
    exists (select 1 from taxonomy as t where f.classify_text ~ t.pattern) as matched_any
from filings as f
where f.rcept_dt >= :cut
"""
)
_PATTERNS_SQL = _SPLIT_CTES + "select (select count(*) from seen), (select count(*) from taxonomy)"


def out_of_sample(engine: sa.Engine, cut: date = CUT) -> str:
    """Coverage of the filings on and after `cut` by the taxonomy patterns already seen before it,
    and with DART's category for titles no such pattern knows.

    The taxonomy was reviewed on every recorded title, the later ones included; restricting it to
    patterns that match an earlier title approximates a review on the earlier part only (a
    pattern written for one later title is not counted), which is the figure that generalises.
    """
    with engine.connect() as conn:
        rows = conn.execute(sa.text(_UNSEEN_SQL), {"cut": cut}).all()
        n_seen, n_patterns = conn.execute(sa.text(_PATTERNS_SQL), {"cut": cut}).one()
    total = len(rows)
    full = sum(r.matched_any for r in rows)
    seen = sum(r.matched_seen for r in rows)
    typed = sum(r.matched_seen or r.pblntf_ty is not None for r in rows)
    unmatched = Counter(r.event_title for r in rows if not r.matched_seen and r.pblntf_ty is None)
    by_category = Counter(r.pblntf_ty for r in rows if not r.matched_seen and r.pblntf_ty is not None)
    lines = [
        f"Split by time at {cut}: the {total:,} recorded filings on or after it are the unseen part; "
        f"{n_seen} of the taxonomy's {n_patterns} patterns match a title before it (the rest were written "
        "for later titles and are not counted).",
        "",
        f"- **Specific event type from the patterns seen before the cut: {seen:,} of {total:,} = {seen / total:.2%}**; "
        f"with every pattern (in-sample for these titles): {full / total:.2%}.",
        f"- **Specific type or DART category (pblntf_ty): {typed:,} of {total:,} = {typed / total:.2%}** "
        "(goal >= 99%); "
        "the category stands in for "
        + (", ".join(f"{k} {n}" for k, n in sorted(by_category.items())) or "none")
        + " filings.",
        "- Left with neither (titles, filings): "
        + (", ".join(f"{t} ({n})" for t, n in unmatched.most_common(15)) if unmatched else "none")
        + ".",
    ]
    return "\n".join(lines)


#: Each non-routine filing with the polarity its type has before any condition.
_FLAT_SQL = """
with kinds as (
    select distinct on (event_type) event_type, polarity
    from (select event_type, polarity, priority from dart_staging.event_taxonomy
          union all select event_type, polarity, 100000 from dart_staging.dart_categories) as k
    order by event_type, priority
)
select s.rcept_no, s.report_nm, s.event_type, s.event_condition, s.terms_endpoint, s.impact_score,
       s.is_withdrawn, k.polarity as type_polarity
from dart_marts.disclosure_impact_scores as s
left join kinds as k using (event_type)
where not s.is_routine and s.event_type <> 'other'
"""

#: Why a non-routine filing scores exactly 50, in the order flat_reason tries them.
_REASONS = {
    "withdrawn": "withdrawn (rm 철): expects no move",
    "no_figure": "provisional earnings: DART gives no structured figure at filing time (neutral by rule)",
    "no_evidence": "type with no evidenced direction (tier 0 in the taxonomy: merger, guarantee, rumour answer...)",
    "ds005_missing": "conditional, DS005 endpoint exists, its details not loaded",
    "financials_missing": "30% earnings change, no financial report (fnlttMultiAcnt) of the company before it",
    "no_source": "conditional, no structured source for the deciding fact (dividend amount, stake change...)",
    "decided_flat": "conditional, facts present, rule gives no move",
}


def has_facts(row: sa.Row) -> bool:
    """A conditional filing whose deciding facts arrived (a condition or its DS005 details)."""
    return row.event_condition is not None or row.terms_endpoint is not None


def flat_reason(row: sa.Row) -> str:
    """The reason a non-routine filing scores exactly 50 (keys of _REASONS)."""
    if row.is_withdrawn:
        return "withdrawn"
    if row.event_type == "earnings_prelim":
        return "no_figure"
    if row.type_polarity != "conditional":
        return "no_evidence"
    if has_facts(row):
        return "decided_flat"
    if row.event_type == "earnings_change":
        return "financials_missing"
    return "ds005_missing" if endpoint_for_title(row.report_nm) else "no_source"


def neutral_share(engine: sa.Engine) -> str:
    """Non-routine filings scoring exactly 50, each with the reason it has no direction.

    The reasons separate what the recorded data lack (DS005 details, a structured figure) from
    what the evidence itself leaves neutral, so the share that better data could still move is
    measured rather than guessed.
    """
    with engine.connect() as conn:
        rows = conn.execute(sa.text(_FLAT_SQL)).all()
    flat = [r for r in rows if r.impact_score == 50]
    types: dict[str, Counter] = {k: Counter() for k in _REASONS}  # reason -> event type -> filings
    for r in flat:
        types[flat_reason(r)][r.event_type] += 1
    reasons = {key: types[key].total() for key in _REASONS}
    decided = [
        r for r in rows if r.type_polarity == "conditional" and r.event_type != "earnings_prelim" and has_facts(r)
    ]
    decided_flat = sum(r.impact_score == 50 for r in decided)
    movable = reasons["ds005_missing"] + reasons["financials_missing"]
    floor = len(flat) - movable
    lines = [
        f"- **Non-routine filings scoring exactly 50: {len(flat):,} of {len(rows):,} = {len(flat) / len(rows):.0%}**"
        " (goal < 35%; see why below).",
        f"- Conditional filings whose facts are present (DS005 details, remark, or the financials): {len(decided):,},"
        f" of which {decided_flat:,} score exactly 50.",
        f"- If every filing with a DS005 endpoint had its details and every company its financials, at most {movable:,}"
        " more would get a direction:"
        f" the share cannot fall under {floor / len(rows):.0%} on these filings while the rules keep to the evidence.",
        "",
        *table(
            ("why exactly 50", "filings", "share of non-routine", "largest types"),
            [
                (
                    text,
                    f"{reasons[key]:,}",
                    f"{reasons[key] / len(rows):.1%}",
                    ", ".join(f"{t} {n}" for t, n in types[key].most_common(4)) or "-",
                )
                for key, text in _REASONS.items()
            ],
        ),
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
        n_events = samples.load_major_events(engine)  # the real DS005 items, each with its filing
        samples.load_financials(engine)
        dbt_or_fail(build_args() + ["--select", "+disclosure_impact_scores"], url)
        text = report(engine, len(rows) + n_events)
        split = out_of_sample(engine)
        flat = neutral_share(engine)
        engine.dispose()
    print(text + "\n\n" + split + "\n\n" + flat)
    if not args.no_write:
        write_subsection("Classification coverage", text)
        write_subsection("Classification out of sample", split)
        write_subsection("Filings without a direction", flat)
        print(f"written to {RESULTS}")


if __name__ == "__main__":
    main()
