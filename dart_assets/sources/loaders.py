"""Atomic, idempotent loads of validated DART frames into dart_raw.

Each load is one transaction: COPY into a temporary table, one INSERT ... ON CONFLICT DO UPDATE
into the target, the partition's quarantine replaced and its `dart_ops.partition_loads` row
written. A process killed anywhere in between leaves the previous committed state, and loading
the same data again leaves the same table (only `last_seen_at` moves). Counting `xmax = 0` in
RETURNING tells inserted rows from conflicting ones without a second query.
"""

from __future__ import annotations

import io
import json
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

import pandas as pd
import sqlalchemy as sa

from dart_assets.sources.dart.amounts import parse_amount
from dart_assets.sources.dart.paging import DISCLOSURE_FIELDS
from dart_assets.sources.dart.schemas import (
    ACCOUNT_FIELDS,
    ACCOUNT_KEY,
    AMOUNT_FIELDS,
    CORP_CODE_FIELDS,
    MAJOR_EVENT_KEY,
)
from dart_assets.sources.market.tables import RawTable, source_fields
from dart_assets.sources.market.values import parse_decimal, parse_yyyymmdd
from dart_assets.validation.quarantine import Quarantined, replace_quarantine


@dataclass(frozen=True)
class LoadResult:
    """What one load did; `updated` counts rows whose content changed, not mere re-sightings."""

    fetched: int
    inserted: int
    updated: int
    unchanged: int
    quarantined: int
    load_s: float = 0.0


@dataclass(frozen=True)
class PartitionStats:
    """What the partition cost at DART, recorded next to the counts in dart_ops.partition_loads.

    `duration_s` is the time spent before the load (fetch share, validation, archive); the
    loader adds its own time when it records the partition.
    """

    total_count: int | None = None
    api_calls: int = 0
    retries: int = 0
    duration_s: float = 0.0


# COPY's text format: backslash escapes for the characters it reserves, \N for NULL. Unlike CSV
# it keeps "" apart from NULL and survives the stray \r and \n real DART values carry.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_field(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "\\N"
    return str(value).translate(_COPY_ESCAPES)


def _copy_into_temp(conn: sa.Connection, temp: str, like: str, frame: pd.DataFrame) -> None:
    """COPY `frame` into a fresh temporary table shaped like `like` (dropped at commit)."""
    conn.execute(sa.text(f"CREATE TEMP TABLE {temp} (LIKE {like} INCLUDING DEFAULTS) ON COMMIT DROP"))
    lines = ("\t".join(map(_copy_field, row)) + "\n" for row in frame.itertuples(index=False, name=None))
    buffer = io.StringIO("".join(lines))
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None  # a checked-out connection always has its DBAPI connection
    cursor = dbapi.cursor()
    try:
        cursor.copy_expert(f"COPY {temp} ({', '.join(frame.columns)}) FROM STDIN", buffer)
    finally:
        cursor.close()


def _upsert(conn: sa.Connection, sql: str, rows: int) -> tuple[int, int, int]:
    """(inserted, updated, unchanged) of an upsert of `rows` rows that RETURNs `inserted` and
    `changed`; rows an `ON CONFLICT ... DO UPDATE ... WHERE` skipped are not returned at all."""
    inserted, updated = conn.execute(
        sa.text(
            f"WITH up AS ({sql}) SELECT count(*) FILTER (WHERE inserted), "
            "count(*) FILTER (WHERE NOT inserted AND changed) FROM up"
        )
    ).one()
    return int(inserted), int(updated), rows - int(inserted) - int(updated)


_RECORD_LOAD = sa.text(
    """
    INSERT INTO dart_ops.partition_loads AS p
        (asset_key, partition_key, total_count, fetched, inserted, updated, quarantined,
         api_calls, retries, duration_s, run_id, loaded_at)
    VALUES (:asset_key, :partition_key, :total_count, :fetched, :inserted, :updated, :quarantined,
            :api_calls, :retries, :duration_s, :run_id, now())
    ON CONFLICT (asset_key, partition_key) DO UPDATE SET
        total_count = EXCLUDED.total_count, fetched = EXCLUDED.fetched, inserted = EXCLUDED.inserted,
        updated = EXCLUDED.updated, quarantined = EXCLUDED.quarantined, api_calls = EXCLUDED.api_calls,
        retries = EXCLUDED.retries, duration_s = EXCLUDED.duration_s, run_id = EXCLUDED.run_id,
        loaded_at = now()
    """
)


def _record_load(
    conn: sa.Connection,
    asset_key: str,
    partition_key: str,
    result: LoadResult,
    stats: PartitionStats,
    run_id: str | None,
) -> None:
    conn.execute(
        _RECORD_LOAD,
        {
            "asset_key": asset_key,
            "partition_key": partition_key,
            "total_count": stats.total_count,
            "fetched": result.fetched,
            "inserted": result.inserted,
            "updated": result.updated,
            "quarantined": result.quarantined,
            "api_calls": stats.api_calls,
            "retries": stats.retries,
            "duration_s": stats.duration_s,
            "run_id": run_id,
        },
    )


@dataclass(frozen=True)
class _RawTable:
    """How one dart_raw table is upserted; `_write` builds the same statement for all of them.

    `not_compared` columns are written on insert but never updated nor compared: a row is
    "changed" only when one of the other non-key columns differs. A table with `last_seen_at`
    updates every re-sighted row (to move it) and moves `loaded_at` only on a change, so
    `loaded_at = now()` on a conflicting row means "changed in this transaction"; a table
    without it is not rewritten at all when nothing differs.
    """

    name: str
    alias: str
    columns: tuple[str, ...]
    key: tuple[str, ...]
    not_compared: tuple[str, ...] = ()
    tracks_last_seen: bool = False
    prepare: Callable[[pd.DataFrame], pd.DataFrame] | None = None
    before_upsert: str | None = None  # run after the COPY, while the old rows are still in place

    @property
    def temp(self) -> str:
        return "_load_" + self.name.split(".")[-1]


def _upsert_sql(table: _RawTable) -> str:
    """INSERT ... ON CONFLICT DO UPDATE from the temp table, RETURNING `inserted` and `changed`."""
    cols = ", ".join(table.columns)
    content = [c for c in table.columns if c not in table.key and c not in table.not_compared]
    old = ", ".join(f"{table.alias}.{c}" for c in content)
    new = ", ".join(f"EXCLUDED.{c}" for c in content)
    sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in content)
    differs = f"({old}) IS DISTINCT FROM ({new})"
    if table.tracks_last_seen:
        update = (
            f"{sets}, last_seen_at = now(), loaded_at = CASE WHEN {differs} THEN now() ELSE {table.alias}.loaded_at END"
        )
        changed = "(loaded_at = now())"
    else:
        update = f"{sets}, loaded_at = now() WHERE {differs}"
        changed = "true"
    return f"""
        INSERT INTO {table.name} AS {table.alias} ({cols})
        SELECT {cols} FROM {table.temp}
        ON CONFLICT ({", ".join(table.key)}) DO UPDATE SET {update}
        RETURNING (xmax = 0) AS inserted, {changed} AS changed
        """


def _write(conn: sa.Connection, table: _RawTable, frame: pd.DataFrame) -> tuple[int, int, int]:
    if table.prepare is not None:
        frame = table.prepare(frame)
    _copy_into_temp(conn, table.temp, table.name, frame[list(table.columns)])
    if table.before_upsert is not None:
        conn.execute(sa.text(table.before_upsert))
    return _upsert(conn, _upsert_sql(table), len(frame))


_LOCK = sa.text("SELECT pg_advisory_xact_lock(hashtext(:asset_key), hashtext(:partition_key))")


def lock_partition(conn: sa.Connection, asset_key: str, partition_key: str) -> None:
    """Serialise loads of one (asset, partition) until the transaction ends.

    The dart_api pool keeps scheduled runs apart, but not two shells running `dagster asset
    materialize`: both would replace the partition's quarantine from their own snapshot and
    leave it doubled. Other partitions (and other assets) are not blocked.
    """
    conn.execute(_LOCK, {"asset_key": asset_key, "partition_key": partition_key})


def _load(
    table: _RawTable,
    engine: sa.Engine,
    *,
    asset_key: str,
    partition_key: str,
    frame: pd.DataFrame,
    quarantined: Sequence[Quarantined],
    stats: PartitionStats,
    run_id: str | None = None,
) -> LoadResult:
    """Upsert one partition's valid rows of `table`, replace its quarantine and record it, atomically."""
    started = time.perf_counter()
    with engine.begin() as conn:
        lock_partition(conn, asset_key, partition_key)
        inserted, updated, unchanged = _write(conn, table, frame) if len(frame) else (0, 0, 0)
        replace_quarantine(conn, asset_key=asset_key, partition_key=partition_key, rows=quarantined, run_id=run_id)
        result = LoadResult(
            len(frame) + len(quarantined), inserted, updated, unchanged, len(quarantined), time.perf_counter() - started
        )
        recorded = replace(stats, duration_s=stats.duration_s + result.load_s)
        _record_load(conn, asset_key, partition_key, result, recorded, run_id)
    return result


def _parse_account_amounts(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for name in AMOUNT_FIELDS:
        # Exact integers (object dtype keeps them ints); numeric in the table, never float.
        frame[name] = pd.Series([parse_amount(v) for v in frame[name]], index=frame.index, dtype=object)
    return frame


#: One day's valid list.json rows (raw strings; rcept_dt 'YYYYMMDD'); rm is updated when DART
#: adds 정/철 later, and every re-sighting moves last_seen_at (first_seen_at is never touched).
load_disclosures = partial(
    _load, _RawTable("dart_raw.disclosures", "d", DISCLOSURE_FIELDS, ("rcept_no",), tracks_last_seen=True)
)

#: The company master. Unchanged companies (nearly all of ~120,000 each week) are not
#: rewritten; rows whose modify_date moved are logged in corp_code_changes first, while the
#: old modify_date is still in the table.
load_corp_codes = partial(
    _load,
    _RawTable(
        "dart_raw.corp_codes",
        "c",
        CORP_CODE_FIELDS,
        ("corp_code",),
        before_upsert="""
            INSERT INTO dart_raw.corp_code_changes (corp_code, modify_date, previous_modify_date, corp_name, stock_code)
            SELECT t.corp_code, t.modify_date, c.modify_date, t.corp_name, t.stock_code
              FROM _load_corp_codes t JOIN dart_raw.corp_codes c USING (corp_code)
             WHERE t.modify_date IS DISTINCT FROM c.modify_date
            """,
    ),
)

#: A week's fnlttMultiAcnt lines (CFS and OFS both), amounts parsed to numeric; `frame` carries
#: the validated raw strings plus `week_start` (the partition's Monday). week_start records the
#: week the line was first seen: a re-statement seen in a later week updates the amounts but
#: keeps the row in its first week.
load_financial_accounts = partial(
    _load,
    _RawTable(
        "dart_raw.financial_accounts",
        "f",
        (*ACCOUNT_FIELDS, "week_start"),
        ACCOUNT_KEY,
        not_compared=("week_start",),
        prepare=_parse_account_amounts,
    ),
)

MAJOR_EVENT_COLUMNS = ("rcept_no", "endpoint", "corp_code", "rcept_dt", "details")


def _major_event_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Validated items -> the table's columns; `details` is the item as DART sent it (jsonb)."""
    out = frame[["rcept_no", "endpoint", "corp_code", "rcept_dt"]].copy()
    out["details"] = [json.dumps(dict(item), ensure_ascii=False) for item in frame["details"]]
    return out


#: One day's DS005 items (`frame`: validated items with `rcept_dt` ISO dates and the raw item in
#: `details`), upserted on (rcept_no, endpoint); a re-sighting moves last_seen_at, a change of
#: any value in details moves loaded_at too.
load_major_events = partial(
    _load,
    _RawTable(
        "dart_raw.major_events",
        "m",
        MAJOR_EVENT_COLUMNS,
        MAJOR_EVENT_KEY,
        tracks_last_seen=True,
        prepare=_major_event_columns,
    ),
)


def _market_columns(table: RawTable, frame: pd.DataFrame) -> pd.DataFrame:
    """Validated source strings -> the table's columns: the session date, text, exact Decimals."""
    fields = source_fields(table)
    out = pd.DataFrame(index=frame.index)
    out["date"] = [parse_yyyymmdd(v).isoformat() for v in frame[fields["date"]]]
    for column in table.text_columns:
        out[column] = frame[fields[column]]
    for column in table.numeric_columns:
        out[column] = pd.Series([parse_decimal(v) for v in frame[fields[column]]], index=frame.index, dtype=object)
    return out


def _replace_sessions_sql(table: RawTable, temp: str) -> str:
    """Rows of the loaded sessions that the source no longer sends are removed, so that a
    partition holds exactly its last answer (a re-run after a correction leaves no stale row)."""
    key = " AND ".join(f"l.{c} = t.{c}" for c in table.primary_key)
    return (
        f"DELETE FROM {table.qualified} t WHERE t.date IN (SELECT DISTINCT date FROM {temp}) "
        f"AND NOT EXISTS (SELECT 1 FROM {temp} l WHERE {key})"
    )


def market_loader(table: RawTable) -> Callable[..., LoadResult]:
    """The loader of one market_raw table: one session's (or an ECOS range's) valid rows."""
    spec = _RawTable(table.qualified, "m", table.columns, table.primary_key, prepare=partial(_market_columns, table))
    return partial(_load, replace(spec, before_upsert=_replace_sessions_sql(table, spec.temp)))


def last_loads(conn: sa.Connection) -> list[dict[str, Any]]:
    """The newest load of each asset: asset_key, partition_key, loaded_at."""
    rows = conn.execute(
        sa.text(
            "SELECT DISTINCT ON (asset_key) asset_key, partition_key, loaded_at FROM dart_ops.partition_loads "
            "ORDER BY asset_key, loaded_at DESC"
        )
    ).mappings()
    return [dict(r) for r in rows]


def load_totals(conn: sa.Connection) -> list[dict[str, Any]]:
    """Per asset, over its partitions as last loaded: partitions, rows fetched, inserted, updated."""
    rows = conn.execute(
        sa.text(
            "SELECT asset_key, count(*) AS partitions, coalesce(sum(fetched), 0) AS fetched, "
            "coalesce(sum(inserted), 0) AS inserted, coalesce(sum(updated), 0) AS updated "
            "FROM dart_ops.partition_loads GROUP BY asset_key ORDER BY asset_key"
        )
    ).mappings()
    return [dict(r) for r in rows]
