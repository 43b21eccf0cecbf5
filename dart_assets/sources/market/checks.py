"""Blocking checks on the market_raw tables: what the index cannot be computed without.

Each looks at every session of the run's partitions (a backfill checks its whole range): a
session fails when the KOSPI row is missing or doubled, when put or call volume of the KOSPI200
options is absent, or when the number of KOSPI issues is outside a plausible band (a truncated
answer would skew breadth and 52-week highs and lows without failing validation).
"""

from collections.abc import Sequence

import dagster as dg
import sqlalchemy as sa

from dart_assets.warehouse.resource import WarehouseResource

ISSUE_COUNT_BAND = (700, 1200)  # KOSPI listed ~950 issues in 2020-2026
_LISTED = 20

_SESSIONS = "SELECT unnest(CAST(:dates AS date[])) AS date"

KOSPI_ROW_SQL = f"""
    SELECT s.date, count(k.date) AS n
      FROM ({_SESSIONS}) s
      LEFT JOIN market_raw.kospi_index k ON k.date = s.date AND k.idx_nm = '코스피' AND k.clsprc_idx IS NOT NULL
     GROUP BY s.date HAVING count(k.date) <> 1 ORDER BY s.date
"""
PUT_CALL_SQL = f"""
    SELECT s.date,
           coalesce(sum(o.acc_trdvol) FILTER (WHERE o.rght_tp_nm = 'PUT'), 0) AS put_volume,
           coalesce(sum(o.acc_trdvol) FILTER (WHERE o.rght_tp_nm = 'CALL'), 0) AS call_volume
      FROM ({_SESSIONS}) s
      LEFT JOIN market_raw.option_trades o ON o.date = s.date AND o.prod_nm = '코스피200 옵션'
     GROUP BY s.date
    HAVING coalesce(sum(o.acc_trdvol) FILTER (WHERE o.rght_tp_nm = 'PUT'), 0) <= 0
        OR coalesce(sum(o.acc_trdvol) FILTER (WHERE o.rght_tp_nm = 'CALL'), 0) <= 0
     ORDER BY s.date
"""
ISSUE_COUNT_SQL = f"""
    SELECT s.date, count(t.isu_cd) AS issues
      FROM ({_SESSIONS}) s
      LEFT JOIN market_raw.stock_trades t ON t.date = s.date
     GROUP BY s.date HAVING count(t.isu_cd) NOT BETWEEN {ISSUE_COUNT_BAND[0]} AND {ISSUE_COUNT_BAND[1]}
     ORDER BY s.date
"""


def failing_sessions(conn: sa.Connection, sql: str, dates: Sequence[str]) -> list[dict]:
    """The sessions of `dates` that `sql` reports, as JSON-ready dicts."""
    rows = conn.execute(sa.text(sql), {"dates": dates}).mappings().all()
    return [{k: (v.isoformat() if k == "date" else str(v)) for k, v in row.items()} for row in rows]


def session_check(
    asset_key: dg.AssetKey, partitions_def: dg.PartitionsDefinition, *, name: str, description: str, sql: str
) -> dg.AssetChecksDefinition:
    """A blocking check that fails when `sql` (given the run's sessions as :dates) returns rows."""

    @dg.asset_check(asset=asset_key, name=name, blocking=True, partitions_def=partitions_def, description=description)
    def _check(context: dg.AssetCheckExecutionContext, warehouse: WarehouseResource) -> dg.AssetCheckResult:
        if context.has_partition_key_range:
            dates = partitions_def.get_partition_keys_in_range(context.partition_key_range)
        else:
            dates = partitions_def.get_partition_keys()
        with warehouse.engine().connect() as conn:
            failing = failing_sessions(conn, sql, dates)
        return dg.AssetCheckResult(
            passed=not failing,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "sessions_checked": len(dates),
                "sessions_failing": len(failing),
                "failing": dg.MetadataValue.json(failing[:_LISTED]),
            },
        )

    return _check
