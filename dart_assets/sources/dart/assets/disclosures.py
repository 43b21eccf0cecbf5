"""`dart_raw/disclosures`: every filing of a day (rcept_dt, Asia/Seoul), all markets, from list.json.

A run covers a window of day partitions (a backfill of a year is one run). The range is read
in list.json windows of at most one calendar month: DART allows three months per market-wide
query, but a month bounds memory (~60,000 rows) and what a quota stop costs. Each window is
validated once; each day of it is then archived and committed on its own, so a day is either
wholly the old state or wholly the new one.

Each window is read per DART category (`pblntf_ty`, about 11 calls a day more than a plain
read), so every filing is stored with the category DART filed it under.
"""

import time
from collections.abc import Iterator, Sequence
from datetime import date

import dagster as dg
import pandas as pd
import sqlalchemy as sa

from dart_assets.core.partitions import DAILY_PARTITIONS, DISCLOSURES_KEY
from dart_assets.sources.dart.client import DartClient
from dart_assets.sources.dart.schemas import disclosure_schema, disclosures_frame
from dart_assets.sources.loaders import PartitionStats, load_disclosures
from dart_assets.sources.runs import (
    PartitionLoad,
    calls_since,
    commit_partition,
    dart_asset,
    split_count,
    split_total,
)
from dart_assets.validation.quarantine import split_valid

MAX_WINDOW_DAYS = 31


def windows(partition_keys: Sequence[str], max_days: int = MAX_WINDOW_DAYS) -> list[list[str]]:
    """Consecutive runs of day keys, each at most `max_days` long and inside one calendar month.

    Month-aligned windows keep every window far inside DART's 3-month limit and make a
    backfill's windows the same whatever range it starts from.
    """
    out: list[list[str]] = []
    previous: date | None = None
    for key in sorted(partition_keys):
        day = date.fromisoformat(key)
        contiguous = previous is not None and (day - previous).days == 1 and day.month == previous.month
        if out and contiguous and len(out[-1]) < max_days:
            out[-1].append(key)
        else:
            out.append([key])
        previous = day
    return out


def partition_of_rows(rcept_dt: pd.Series, days: Sequence[str]) -> pd.Series:
    """The day partition each row belongs to: its rcept_dt, or the window's first day when the
    rcept_dt is missing or outside the window (such rows are quarantined there, never lost)."""
    iso = rcept_dt.str.slice(0, 4) + "-" + rcept_dt.str.slice(4, 6) + "-" + rcept_dt.str.slice(6, 8)
    return iso.where(iso.isin(days), days[0])


def load_window(
    client: DartClient,
    engine: sa.Engine,
    days: Sequence[str],
    *,
    run_id: str,
) -> Iterator[PartitionLoad]:
    """Fetch one list.json window, validate it, then archive and commit each day partition."""
    first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
    before = client.stats()
    started = time.perf_counter()
    listing = client.list_disclosures(first, last, categorise=True)
    fetch_s = time.perf_counter() - started
    api_calls, api_retries = calls_since(client, before)

    rows = listing.rows
    frame = disclosures_frame(rows)
    valid, quarantined = split_valid(frame, disclosure_schema(first, last), rows, ["rcept_no"])
    owner = partition_of_rows(frame["rcept_dt"], days)
    positions = owner.groupby(owner).indices  # day -> positions in `rows`
    valid_by_day = dict(tuple(valid.groupby(owner.loc[valid.index]))) if len(valid) else {}
    counts = [len(positions.get(day, ())) for day in days]
    calls = split_count(api_calls, counts)
    retries = split_count(api_retries, counts)
    fetch_share = split_total(fetch_s, counts)

    for i, day in enumerate(days):
        t0 = time.perf_counter()
        day_positions = set(positions.get(day, ()))
        # One day's window: DART's own total. Several days: the day's rows of a window whose
        # listing the client reconciled against DART's total for the window.
        total = listing.total_count if len(days) == 1 else counts[i]
        yield commit_partition(
            load_disclosures,
            engine,
            asset_key=DISCLOSURES_KEY,
            partition_key=day,
            rows=(rows[p] for p in sorted(day_positions)),
            valid=valid_by_day.get(day, valid.iloc[0:0]),
            quarantined=[q for q in quarantined if q.position in day_positions],
            stats=PartitionStats(total, calls[i], retries[i], fetch_share[i]),
            started=t0,
            run_id=run_id,
        )


disclosures = dart_asset(
    DISCLOSURES_KEY,
    description=(
        "Every DART filing of the day (list.json, all markets), keyed by rcept_no; rm updated when "
        "DART adds 정/철 later. Invalid rows go to dart_ops.quarantine with their reasons."
    ),
    units=lambda context: windows(context.partition_keys),
    load_unit=load_window,
    partitions_def=DAILY_PARTITIONS,
    backfill_policy=dg.BackfillPolicy.single_run(),
)
