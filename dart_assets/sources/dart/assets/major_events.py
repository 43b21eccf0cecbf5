"""`dart_raw/major_events`: the DS005 details (주요사항보고서 주요정보) of a day's material-event
filings, keyed by (rcept_no, endpoint).

The day's filings are read from dart_raw.disclosures (the daily asset upstream, same partition);
a filing whose title maps to a DS005 endpoint (dart_assets/sources/dart/major_events.py) needs that
endpoint's answer for its company. DART has no market-wide DS005 query, so the calls are
batched by (company, endpoint): one call per company, endpoint and day, however many filings
of that kind the company made that day. A quiet day costs nothing; a 2,000-filing day with
about 200 material events costs about 200 calls (benchmarks/bench_daily_calls.py).

- The range asked is the day, widened back to the earliest rcept_no date among those filings
  when DART listed one later than its number's date (opendart-api.md §6.4): DS005 selects by
  first filing date (최초접수일).
- 013 (no data) is an empty answer, not an error: the details may not be published yet, or
  DART may file a correction under its original's date.
- Every item DART lists is stored, also one whose rcept_no is not among the day's filings (a
  filing of the company that no title pattern maps, or an earlier one inside the range): it is
  DART's own answer for that company, and (rcept_no, endpoint) keeps a second sighting from a
  later day idempotent. Its rcept_dt is its dart_raw.disclosures row's when there is one, else
  the day that fetched it.
- Items are validated per endpoint (amounts, counts, ratios, dates: validation/schemas.py);
  an invalid item goes to dart_ops.quarantine with its reasons, keyed `rcept_no|endpoint`.
  The stored `details` is the item exactly as DART sent it.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date

import dagster as dg
import pandas as pd
import sqlalchemy as sa

from dart_assets.core.partitions import DAILY_PARTITIONS, DISCLOSURES_KEY, MAJOR_EVENTS_KEY
from dart_assets.sources.dart.client import DartClient
from dart_assets.sources.dart.major_events import endpoint_for_title
from dart_assets.sources.dart.schemas import major_event_schema, major_events_frame
from dart_assets.sources.loaders import MAJOR_EVENT_COLUMNS, PartitionStats, load_major_events
from dart_assets.sources.runs import PartitionLoad, calls_since, commit_partition, dart_asset
from dart_assets.validation.quarantine import Quarantined, split_valid

FIRST_DS005_DAY = date(2015, 1, 1)  # DS005 has no data before


@dataclass(frozen=True)
class EventRequest:
    """One DS005 call: a company's filings of one endpoint on one day."""

    endpoint: str
    corp_code: str
    bgn_de: date
    end_de: date
    rcept_nos: tuple[str, ...]


_DAY_FILINGS = sa.text("SELECT rcept_no, corp_code, report_nm FROM dart_raw.disclosures WHERE rcept_dt = :day")
_FILING_DATES = sa.text("SELECT rcept_no, rcept_dt FROM dart_raw.disclosures WHERE rcept_no = ANY(:nos)")


def _number_date(rcept_no: str) -> date | None:
    try:
        return date(int(rcept_no[:4]), int(rcept_no[4:6]), int(rcept_no[6:8]))
    except ValueError:
        return None


def plan_requests(filings: Sequence[tuple[str, str, str]], day: date) -> list[EventRequest]:
    """The DS005 calls a day's (rcept_no, corp_code, report_nm) filings need, one per
    (endpoint, company), in a stable order."""
    wanted: dict[tuple[str, str], list[str]] = defaultdict(list)
    for rcept_no, corp_code, report_nm in filings:
        endpoint = endpoint_for_title(report_nm)
        if endpoint is not None:
            wanted[(endpoint, corp_code)].append(rcept_no)
    requests = []
    for (endpoint, corp_code), numbers in sorted(wanted.items()):
        earliest = min((d for d in map(_number_date, numbers) if d is not None and d <= day), default=day)
        requests.append(EventRequest(endpoint, corp_code, max(earliest, FIRST_DS005_DAY), day, tuple(sorted(numbers))))
    return requests


def requests_for_day(engine: sa.Engine, day: date) -> list[EventRequest]:
    with engine.connect() as conn:
        filings = [tuple(row) for row in conn.execute(_DAY_FILINGS, {"day": day})]
    return plan_requests(filings, day)


def validate_items(
    items_by_endpoint: dict[str, list[dict]], positions: dict[str, list[int]]
) -> tuple[pd.DataFrame, list[Quarantined]]:
    """(valid rows of every endpoint, quarantined items keyed rcept_no|endpoint)."""
    frames, quarantined = [], []
    for endpoint, items in items_by_endpoint.items():
        frame = major_events_frame(endpoint, items)
        valid, bad = split_valid(frame, major_event_schema(endpoint), items, ["rcept_no"])
        frames.append(valid)
        for q in bad:
            key = f"{q.record_key or ''}|{endpoint}"
            quarantined.append(replace(q, position=positions[endpoint][q.position], record_key=key))
    if not frames:
        return pd.DataFrame(columns=["rcept_no", "endpoint", "corp_code", "details"]), quarantined
    return pd.concat(frames, ignore_index=True)[["rcept_no", "endpoint", "corp_code", "details"]], quarantined


def filing_dates(engine: sa.Engine, rcept_nos: Sequence[str], day: date) -> list[str]:
    """The rcept_dt (ISO) of each filing as dart_raw.disclosures has it, else `day`."""
    with engine.connect() as conn:
        known: dict[str, date] = (
            dict(conn.execute(_FILING_DATES, {"nos": list(set(rcept_nos))}).tuples().all()) if rcept_nos else {}
        )
    return [(known.get(n) or day).isoformat() for n in rcept_nos]


def load_day(client: DartClient, engine: sa.Engine, day_key: str, *, run_id: str) -> Iterator[PartitionLoad]:
    """Fetch, validate, archive and commit the DS005 items of one day partition."""
    day = date.fromisoformat(day_key)
    before = client.stats()
    started = time.perf_counter()
    archived: list[dict] = []  # what DART sent, with what was asked
    items_by_endpoint: dict[str, list[dict]] = defaultdict(list)
    positions: dict[str, list[int]] = defaultdict(list)  # endpoint -> item index -> place in `archived`
    for request in requests_for_day(engine, day):
        for item in client.major_events(request.endpoint, request.corp_code, request.bgn_de, request.end_de):
            positions[request.endpoint].append(len(archived))
            items_by_endpoint[request.endpoint].append(item)
            archived.append({"endpoint": request.endpoint, "corp_code": request.corp_code, "item": item})
    calls, retries = calls_since(client, before)

    valid, quarantined = validate_items(dict(items_by_endpoint), positions)
    valid = valid.assign(rcept_dt=filing_dates(engine, list(valid["rcept_no"]), day))[list(MAJOR_EVENT_COLUMNS)]
    yield commit_partition(
        load_major_events,
        engine,
        asset_key=MAJOR_EVENTS_KEY,
        partition_key=day_key,
        rows=archived,
        valid=valid,
        quarantined=quarantined,
        stats=PartitionStats(total_count=None, api_calls=calls, retries=retries),
        started=started,
        run_id=run_id,
    )


major_events = dart_asset(
    MAJOR_EVENTS_KEY,
    description=(
        "DS005 details (주요사항보고서 주요정보: rights and bonus issues, capital reductions, CB/BW/EB, "
        "treasury stock, mergers, splits, transfers, defaults, lawsuits...) of the day's material-event "
        "filings, one call per company and endpoint; the item as DART sent it in `details`, keyed by "
        "(rcept_no, endpoint). Invalid items go to dart_ops.quarantine with their reasons."
    ),
    units=lambda context: [[day] for day in context.partition_keys],
    load_unit=lambda client, engine, unit, *, run_id: load_day(client, engine, unit[0], run_id=run_id),
    partitions_def=DAILY_PARTITIONS,
    deps=[DISCLOSURES_KEY],
    backfill_policy=dg.BackfillPolicy.single_run(),
)
