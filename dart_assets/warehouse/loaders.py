"""Atomic, idempotent loads of validated DART frames into dart_raw.

Each load is one transaction: COPY into a temporary table, one INSERT ... ON CONFLICT DO UPDATE
into the target, the partition's quarantine replaced and its `dart_ops.partition_loads` row
written. A process killed anywhere in between leaves the previous committed state, and loading
the same data again leaves the same table (only `last_seen_at` moves). Counting `xmax = 0` in
RETURNING tells inserted rows from conflicting ones without a second query.
"""

from __future__ import annotations

import io
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import pandas as pd
import sqlalchemy as sa

from dart_assets.dart.amounts import parse_amount
from dart_assets.validation.quarantine import Quarantined, replace_quarantine
from dart_assets.validation.schemas import AMOUNT_FIELDS


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
    cursor = conn.connection.dbapi_connection.cursor()
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
    conn: sa.Connection, asset_key: str, partition_key: str, result: LoadResult, stats: PartitionStats, run_id: str | None
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


def _load(
    engine: sa.Engine,
    *,
    asset_key: str,
    partition_key: str,
    frame: pd.DataFrame,
    quarantined: Sequence[Quarantined],
    stats: PartitionStats,
    run_id: str | None,
    write: Callable[[sa.Connection, pd.DataFrame], tuple[int, int, int]],
) -> LoadResult:
    started = time.perf_counter()
    with engine.begin() as conn:
        inserted, updated, unchanged = write(conn, frame) if len(frame) else (0, 0, 0)
        replace_quarantine(conn, asset_key=asset_key, partition_key=partition_key, rows=quarantined, run_id=run_id)
        result = LoadResult(
            len(frame) + len(quarantined), inserted, updated, unchanged, len(quarantined), time.perf_counter() - started
        )
        recorded = replace(stats, duration_s=stats.duration_s + result.load_s)
        _record_load(conn, asset_key, partition_key, result, recorded, run_id)
    return result


# ---------------------------------------------------------------------------------------------
# dart_raw.disclosures

_DISCLOSURE_COLUMNS = ("rcept_no", "corp_code", "corp_name", "stock_code", "corp_cls", "report_nm", "flr_nm", "rcept_dt", "rm")
_DISCLOSURE_CONTENT = [c for c in _DISCLOSURE_COLUMNS if c != "rcept_no"]


def _write_disclosures(conn: sa.Connection, frame: pd.DataFrame) -> tuple[int, int, int]:
    _copy_into_temp(
        conn,
        "_load_disclosures",
        "dart_raw.disclosures",
        frame[list(_DISCLOSURE_COLUMNS)],
    )
    cols = ", ".join(_DISCLOSURE_COLUMNS)
    old = ", ".join(f"d.{c}" for c in _DISCLOSURE_CONTENT)
    new = ", ".join(f"EXCLUDED.{c}" for c in _DISCLOSURE_CONTENT)
    sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in _DISCLOSURE_CONTENT)
    # loaded_at moves only when the content changed, so `loaded_at = now()` on a conflicting
    # row means "changed in this transaction"; first_seen_at is never touched.
    return _upsert(
        conn,
        f"""
        INSERT INTO dart_raw.disclosures AS d ({cols})
        SELECT {cols} FROM _load_disclosures
        ON CONFLICT (rcept_no) DO UPDATE SET {sets},
            last_seen_at = now(),
            loaded_at = CASE WHEN ({old}) IS DISTINCT FROM ({new}) THEN now() ELSE d.loaded_at END
        RETURNING (xmax = 0) AS inserted, (loaded_at = now()) AS changed
        """,
        len(frame),
    )


def load_disclosures(
    engine: sa.Engine,
    *,
    asset_key: str,
    partition_key: str,
    frame: pd.DataFrame,
    quarantined: Sequence[Quarantined],
    stats: PartitionStats,
    run_id: str | None = None,
) -> LoadResult:
    """Upsert one day's valid list.json rows (raw strings; rcept_dt 'YYYYMMDD') atomically."""
    return _load(
        engine,
        asset_key=asset_key,
        partition_key=partition_key,
        frame=frame,
        quarantined=quarantined,
        stats=stats,
        run_id=run_id,
        write=_write_disclosures,
    )


# ---------------------------------------------------------------------------------------------
# dart_raw.corp_codes

_CORP_COLUMNS = ("corp_code", "corp_name", "corp_eng_name", "stock_code", "modify_date")


def _write_corp_codes(conn: sa.Connection, frame: pd.DataFrame) -> tuple[int, int, int]:
    _copy_into_temp(conn, "_load_corp_codes", "dart_raw.corp_codes", frame[list(_CORP_COLUMNS)])
    # The change log first, while the old modify_date is still in the table.
    conn.execute(
        sa.text(
            """
            INSERT INTO dart_raw.corp_code_changes (corp_code, modify_date, previous_modify_date, corp_name, stock_code)
            SELECT t.corp_code, t.modify_date, c.modify_date, t.corp_name, t.stock_code
              FROM _load_corp_codes t JOIN dart_raw.corp_codes c USING (corp_code)
             WHERE t.modify_date IS DISTINCT FROM c.modify_date
            """
        )
    )
    cols = ", ".join(_CORP_COLUMNS)
    content = _CORP_COLUMNS[1:]
    old = ", ".join(f"c.{col}" for col in content)
    new = ", ".join(f"EXCLUDED.{col}" for col in content)
    sets = ", ".join(f"{col} = EXCLUDED.{col}" for col in content)
    return _upsert(
        conn,
        f"""
        INSERT INTO dart_raw.corp_codes AS c ({cols})
        SELECT {cols} FROM _load_corp_codes
        ON CONFLICT (corp_code) DO UPDATE SET {sets}, loaded_at = now()
            WHERE ({old}) IS DISTINCT FROM ({new})
        RETURNING (xmax = 0) AS inserted, true AS changed
        """,
        len(frame),
    )


def load_corp_codes(
    engine: sa.Engine,
    *,
    asset_key: str,
    partition_key: str,
    frame: pd.DataFrame,
    quarantined: Sequence[Quarantined],
    stats: PartitionStats,
    run_id: str | None = None,
) -> LoadResult:
    """Upsert the company master; rows whose modify_date moved are logged in corp_code_changes.

    Unchanged companies (nearly all of ~120,000 each week) are not rewritten: the update only
    fires when a field differs.
    """
    return _load(
        engine,
        asset_key=asset_key,
        partition_key=partition_key,
        frame=frame,
        quarantined=quarantined,
        stats=stats,
        run_id=run_id,
        write=_write_corp_codes,
    )


# ---------------------------------------------------------------------------------------------
# dart_raw.financial_accounts

_ACCOUNT_KEY = ("rcept_no", "fs_div", "sj_div", "account_nm", "ord")
_ACCOUNT_COLUMNS = (
    "rcept_no",
    "corp_code",
    "stock_code",
    "bsns_year",
    "reprt_code",
    "fs_div",
    "fs_nm",
    "sj_div",
    "sj_nm",
    "account_nm",
    "ord",
    "thstrm_nm",
    "thstrm_dt",
    "frmtrm_nm",
    "frmtrm_dt",
    "bfefrmtrm_nm",
    "bfefrmtrm_dt",
    "currency",
    *AMOUNT_FIELDS,
    "week_start",
)


def _write_financial_accounts(conn: sa.Connection, frame: pd.DataFrame) -> tuple[int, int, int]:
    frame = frame.copy()
    for name in AMOUNT_FIELDS:
        # Exact integers (object dtype keeps them ints); numeric in the table, never float.
        frame[name] = pd.Series([parse_amount(v) for v in frame[name]], index=frame.index, dtype=object)
    frame["ord"] = frame["ord"].fillna("0")
    _copy_into_temp(
        conn,
        "_load_financial_accounts",
        "dart_raw.financial_accounts",
        frame[list(_ACCOUNT_COLUMNS)],
    )
    cols = ", ".join(_ACCOUNT_COLUMNS)
    # week_start records the week the line was first seen; a re-statement seen in a later
    # week updates the amounts but keeps the row in its first week.
    content = [c for c in _ACCOUNT_COLUMNS if c not in _ACCOUNT_KEY and c != "week_start"]
    old = ", ".join(f"f.{c}" for c in content)
    new = ", ".join(f"EXCLUDED.{c}" for c in content)
    sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in content)
    return _upsert(
        conn,
        f"""
        INSERT INTO dart_raw.financial_accounts AS f ({cols})
        SELECT {cols} FROM _load_financial_accounts
        ON CONFLICT ({", ".join(_ACCOUNT_KEY)}) DO UPDATE SET {sets}, loaded_at = now()
            WHERE ({old}) IS DISTINCT FROM ({new})
        RETURNING (xmax = 0) AS inserted, true AS changed
        """,
        len(frame),
    )


def load_financial_accounts(
    engine: sa.Engine,
    *,
    asset_key: str,
    partition_key: str,
    frame: pd.DataFrame,
    quarantined: Sequence[Quarantined],
    stats: PartitionStats,
    run_id: str | None = None,
) -> LoadResult:
    """Upsert a week's fnlttMultiAcnt lines (CFS and OFS both), amounts parsed to numeric.

    `frame` carries the validated raw strings plus `week_start` (the partition's Monday).
    """
    return _load(
        engine,
        asset_key=asset_key,
        partition_key=partition_key,
        frame=frame,
        quarantined=quarantined,
        stats=stats,
        run_id=run_id,
        write=_write_financial_accounts,
    )
