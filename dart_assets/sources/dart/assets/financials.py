"""`dart_raw/financial_accounts`: key accounts of the periodic reports filed in a week.

The week's 사업/반기/분기보고서 are read from dart_raw.disclosures (the daily asset upstream);
their companies are grouped by (bsns_year, reprt_code) and asked from fnlttMultiAcnt in batches
of up to 100. So the calls grow with the week's filings: a quiet week costs nothing, and no
call is spent on the thousands of listed companies that filed nothing.
"""

import re
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import date

import dagster as dg
import sqlalchemy as sa

from dart_assets.core.partitions import (
    DISCLOSURES_KEY,
    FINANCIAL_ACCOUNTS_KEY,
    WEEKLY_PARTITIONS,
)
from dart_assets.sources.dart.client import DartClient
from dart_assets.sources.dart.schemas import ACCOUNT_KEY, FinancialAccountFrame, financial_accounts_frame, model_schema
from dart_assets.sources.loaders import PartitionStats, load_financial_accounts
from dart_assets.sources.runs import PartitionLoad, calls_since, commit_partition, dart_asset
from dart_assets.validation.quarantine import split_valid

FIRST_BSNS_YEAR = 2015  # DS003 has no data before

# "사업보고서 (2020.12)", "[기재정정]반기보고서 (2025.06)"; the period is the fiscal period's end.
_PERIODIC = re.compile(r"(사업|반기|분기)보고서\s*\((\d{4})\.(\d{2})\)")


def report_codes(report_nm: str) -> list[tuple[int, str]]:
    """(bsns_year, reprt_code) pairs a periodic report's title stands for; [] for other titles.

    사업보고서 -> 11011, 반기보고서 -> 11012, 분기보고서 -> 11013 (period ending in March) or
    11014 (September). A quarterly report ending in another month belongs to a company whose
    fiscal year does not end in December, and its quarter cannot be told from the title: both
    quarterly codes are asked (one extra call per batch, only in that rare case).
    """
    match = _PERIODIC.search(report_nm)
    if not match:
        return []
    kind, year, month = match.group(1), int(match.group(2)), int(match.group(3))
    if kind == "사업":
        return [(year, "11011")]
    if kind == "반기":
        return [(year, "11012")]
    if month == 3:
        return [(year, "11013")]
    if month == 9:
        return [(year, "11014")]
    return [(year, "11013"), (year, "11014")]


_PERIODIC_FILINGS = sa.text(
    """
    SELECT corp_code, report_nm FROM dart_raw.disclosures
     WHERE rcept_dt >= :start AND rcept_dt < :end AND report_nm ~ '(사업|반기|분기)보고서'
    """
)


def reports_to_fetch(engine: sa.Engine, start: date, end: date) -> dict[tuple[int, str], list[str]]:
    """(bsns_year, reprt_code) -> sorted corp codes with a periodic report filed in [start, end)."""
    wanted: dict[tuple[int, str], set[str]] = defaultdict(set)
    with engine.connect() as conn:
        for corp_code, report_nm in conn.execute(_PERIODIC_FILINGS, {"start": start, "end": end}):
            for year, code in report_codes(report_nm):
                if year >= FIRST_BSNS_YEAR:
                    wanted[(year, code)].add(corp_code)
    return {key: sorted(codes) for key, codes in sorted(wanted.items())}


def load_week(client: DartClient, engine: sa.Engine, week: str, *, run_id: str) -> Iterator[PartitionLoad]:
    """Fetch, validate, archive and commit the accounts of one weekly partition."""
    window = WEEKLY_PARTITIONS.time_window_for_partition_key(week)
    start, end = window.start.date(), window.end.date()
    before = client.stats()
    started = time.perf_counter()
    rows: list[dict] = []
    for (bsns_year, reprt_code), corp_codes in reports_to_fetch(engine, start, end).items():
        rows.extend(client.multi_accounts(corp_codes, bsns_year, reprt_code))
    calls, retries = calls_since(client, before)

    frame = financial_accounts_frame(rows)
    valid, quarantined = split_valid(frame, model_schema(FinancialAccountFrame), rows, ACCOUNT_KEY)
    yield commit_partition(
        load_financial_accounts,
        engine,
        asset_key=FINANCIAL_ACCOUNTS_KEY,
        partition_key=week,
        rows=rows,
        valid=valid.assign(week_start=start.isoformat()),
        quarantined=quarantined,
        # fnlttMultiAcnt reports no total
        stats=PartitionStats(total_count=None, api_calls=calls, retries=retries),
        started=started,
        run_id=run_id,
    )


financial_accounts = dart_asset(
    FINANCIAL_ACCOUNTS_KEY,
    description=(
        "Key BS/IS accounts (fnlttMultiAcnt, CFS and OFS) of the periodic reports filed in the week, "
        "amounts as exact numerics."
    ),
    units=lambda context: [[week] for week in context.partition_keys],
    load_unit=lambda client, engine, unit, *, run_id: load_week(client, engine, unit[0], run_id=run_id),
    partitions_def=WEEKLY_PARTITIONS,
    deps=[DISCLOSURES_KEY],  # daily -> weekly: the week's seven day partitions
    backfill_policy=dg.BackfillPolicy.single_run(),
)
