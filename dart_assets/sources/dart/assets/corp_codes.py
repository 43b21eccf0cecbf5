"""`dart_raw/corp_codes`: the company master from corpCode.xml, refreshed weekly and on demand.

One call returns every company (~120,000). The load rewrites only companies whose fields
changed and logs each `modify_date` change in dart_raw.corp_code_changes.
"""

import time
from collections.abc import Iterator

import sqlalchemy as sa

from dart_assets.core.partitions import CORP_CODES_KEY
from dart_assets.sources.dart.client import DartClient
from dart_assets.sources.dart.schemas import CorpCodeFrame, corp_codes_frame, model_schema
from dart_assets.sources.http.quota import seoul_today
from dart_assets.sources.loaders import PartitionStats, load_corp_codes
from dart_assets.sources.runs import PartitionLoad, calls_since, commit_partition, dart_asset
from dart_assets.validation.quarantine import split_valid

#: dart_ops rows of an unpartitioned asset need a partition key; this one says "the whole table".
ALL = "all"


def load_all(client: DartClient, engine: sa.Engine, *, run_id: str) -> Iterator[PartitionLoad]:
    before = client.stats()
    started = time.perf_counter()
    rows = client.corp_codes()
    calls, retries = calls_since(client, before)
    valid, quarantined = split_valid(corp_codes_frame(rows), model_schema(CorpCodeFrame), rows, ["corp_code"])
    yield commit_partition(
        load_corp_codes,
        engine,
        asset_key=CORP_CODES_KEY,
        partition_key=ALL,
        rows=rows,
        valid=valid,
        quarantined=quarantined,
        stats=PartitionStats(total_count=len(rows), api_calls=calls, retries=retries),
        started=started,
        run_id=run_id,
        # Unpartitioned: one archive per Asia/Seoul day, so the history of the master is kept.
        archive_key=seoul_today().isoformat(),
    )


corp_codes = dart_asset(
    CORP_CODES_KEY,
    description="The company master (corpCode.xml): corp_code, names, stock_code (NULL when unlisted), modify_date.",
    units=lambda _context: [[ALL]],
    load_unit=lambda client, engine, _unit, *, run_id: load_all(client, engine, run_id=run_id),
)
