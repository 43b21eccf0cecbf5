"""Asset checks on the raw DART tables, run after each materialization (and on demand).

Blocking checks stop the dbt models downstream in the same run when the raw data would make
them wrong: a key stored twice, a day whose rows do not add up to DART's total, or a partition
where too much was quarantined to trust what loaded. Partitioned checks look at the partitions
of the run (a backfill checks its whole range in one go).
"""

from collections.abc import Sequence
from datetime import date

import dagster as dg
import sqlalchemy as sa

from dart_assets.warehouse.resource import WarehouseResource

#: above this share of rows quarantined, a partition is too incomplete to build on
QUARANTINE_RATE_THRESHOLD = 0.01
_LISTED = 20  # offending keys/partitions shown in check metadata


def _partition_bounds(context: dg.AssetCheckExecutionContext) -> tuple[str, str] | None:
    if not context.has_partition_key_range:
        return None
    window = context.partition_key_range
    return window.start, window.end


def duplicate_keys(
    conn: sa.Connection, table: str, key_columns: Sequence[str], date_column: str | None, bounds: tuple[str, str] | None
) -> list[tuple]:
    """Keys stored more than once in `table` (within the partitions' dates when bounded)."""
    keys = ", ".join(key_columns)
    where, params = "", {}
    if date_column and bounds:
        where = f"WHERE {date_column} BETWEEN :first AND :last"
        params = {"first": date.fromisoformat(bounds[0]), "last": date.fromisoformat(bounds[1])}
    sql = f"SELECT {keys}, count(*) FROM {table} {where} GROUP BY {keys} HAVING count(*) > 1 ORDER BY {keys}"
    return [tuple(row) for row in conn.execute(sa.text(sql), params)]


def no_duplicate_keys_check(
    asset_key: dg.AssetKey,
    table: str,
    key_columns: Sequence[str],
    *,
    date_column: str | None = None,
    partitions_def: dg.PartitionsDefinition | None = None,
) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=asset_key,
        name="no_duplicate_keys",
        blocking=True,
        partitions_def=partitions_def,
        description=f"No ({', '.join(key_columns)}) is stored twice in {table}.",
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.engine().connect() as conn:
            dupes = duplicate_keys(conn, table, key_columns, date_column, _partition_bounds(context))
        return dg.AssetCheckResult(
            passed=not dupes,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "duplicate_keys": len(dupes),
                "examples": dg.MetadataValue.json([list(map(str, d[:-1])) for d in dupes[:_LISTED]]),
            },
        )

    return _check


_COMPLETENESS = sa.text(
    """
    WITH stored AS (
        SELECT to_char(rcept_dt, 'YYYY-MM-DD') AS partition_key, count(*) AS n
          FROM dart_raw.disclosures WHERE rcept_dt BETWEEN :first_day AND :last_day GROUP BY 1
    ), quarantined AS (
        SELECT partition_key, count(*) AS n FROM dart_ops.quarantine
         WHERE asset_key = :asset_key AND partition_key BETWEEN :first AND :last GROUP BY 1
    )
    SELECT p.partition_key, p.total_count, coalesce(s.n, 0) AS stored, coalesce(q.n, 0) AS quarantined
      FROM dart_ops.partition_loads p
      LEFT JOIN stored s USING (partition_key)
      LEFT JOIN quarantined q USING (partition_key)
     WHERE p.asset_key = :asset_key AND p.partition_key BETWEEN :first AND :last
     ORDER BY p.partition_key
    """
)


def completeness(conn: sa.Connection, asset_key: str, first: str, last: str) -> tuple[int, list[dict]]:
    """(partitions recorded, partitions whose stored + quarantined rows differ from DART's total)."""
    rows = conn.execute(
        _COMPLETENESS,
        {
            "asset_key": asset_key,
            "first": first,
            "last": last,
            "first_day": date.fromisoformat(first),
            "last_day": date.fromisoformat(last),
        },
    ).all()
    gaps = [
        {"partition": r.partition_key, "dart_total": r.total_count, "stored": r.stored, "quarantined": r.quarantined}
        for r in rows
        if r.total_count is not None and r.stored + r.quarantined != r.total_count
    ]
    return len(rows), gaps


def disclosures_completeness_check(
    asset_key: dg.AssetKey, partitions_def: dg.PartitionsDefinition
) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=asset_key,
        name="complete_against_dart_total",
        blocking=True,
        partitions_def=partitions_def,
        description=(
            "For each day: rows stored + rows quarantined = DART's total_count for that rcept_dt "
            "(dart_ops.partition_loads). A gap means filings were lost between DART and the table."
        ),
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
        first, last = _partition_bounds(context) or (
            partitions_def.get_first_partition_key(),
            partitions_def.get_last_partition_key(),
        )
        assert first is not None and last is not None  # the partitions definition is never empty
        with warehouse.engine().connect() as conn:
            recorded, gaps = completeness(conn, asset_key.to_user_string(), first, last)
        return dg.AssetCheckResult(
            passed=recorded > 0 and not gaps,
            severity=dg.AssetCheckSeverity.ERROR,
            description=None if recorded else f"no load recorded for {first}..{last}",
            metadata={
                "partitions_checked": recorded,
                "partitions_incomplete": len(gaps),
                "gaps": dg.MetadataValue.json(gaps[:_LISTED]),
            },
        )

    return _check


def quarantine_rate(conn: sa.Connection, asset_key: str, bounds: tuple[str, str] | None) -> tuple[int, int, list[dict]]:
    """(rows quarantined, rows fetched, the partitions over the threshold) from partition_loads."""
    where = "asset_key = :asset_key" + (" AND partition_key BETWEEN :first AND :last" if bounds else "")
    params = {"asset_key": asset_key, **({"first": bounds[0], "last": bounds[1]} if bounds else {})}
    rows = conn.execute(
        sa.text(f"SELECT partition_key, quarantined, fetched FROM dart_ops.partition_loads WHERE {where} ORDER BY 1"),
        params,
    ).all()
    over = [
        {"partition": r.partition_key, "quarantined": r.quarantined, "fetched": r.fetched}
        for r in rows
        if r.fetched and r.quarantined / r.fetched > QUARANTINE_RATE_THRESHOLD
    ]
    return sum(r.quarantined for r in rows), sum(r.fetched for r in rows), over


def quarantine_rate_check(
    asset_key: dg.AssetKey, *, partitions_def: dg.PartitionsDefinition | None = None, blocking: bool = True
) -> dg.AssetChecksDefinition:
    """`blocking=False` for an asset that only refines what is built downstream: its failure
    still fails the check (and alerts), without stopping the models that do not need it."""

    @dg.asset_check(
        asset=asset_key,
        name="quarantine_rate_below_threshold",
        blocking=blocking,
        partitions_def=partitions_def,
        description=(
            f"At most {QUARANTINE_RATE_THRESHOLD:.0%} of a partition's rows fail validation "
            "(dart_ops.quarantine); above that, what loaded is too incomplete to build on."
        ),
    )
    def _check(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.engine().connect() as conn:
            quarantined, fetched, over = quarantine_rate(conn, asset_key.to_user_string(), _partition_bounds(context))
        return dg.AssetCheckResult(
            passed=not over,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "rows_quarantined": quarantined,
                "rows_fetched": fetched,
                "quarantine_rate": dg.MetadataValue.float(round(quarantined / fetched, 6) if fetched else 0.0),
                "threshold": dg.MetadataValue.float(QUARANTINE_RATE_THRESHOLD),
                "partitions_over_threshold": dg.MetadataValue.json(over[:_LISTED]),
            },
        )

    return _check
