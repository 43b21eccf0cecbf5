"""Read queries against the contract tables (dart_marts, dart_raw, dart_ops).

Only columns named in CONTRACTS.md are relied on by name; mart tables are otherwise returned
as they are, so extra columns the dbt models add flow through without code changes.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa


def _number(value: Any) -> Any:
    """JSON numbers for numeric columns (FastAPI would send Decimals as strings)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _rows(conn: sa.Connection, sql: str, **params: Any) -> list[dict[str, Any]]:
    return [{k: _number(v) for k, v in r.items()} for r in conn.execute(sa.text(sql), params).mappings()]


def disclosures(
    conn: sa.Connection, start: date, end: date, corp_code: str | None, event_type: str | None, limit: int, offset: int
) -> list[dict[str, Any]]:
    return _rows(
        conn,
        """
        select d.rcept_no, d.rcept_dt, d.corp_code, d.corp_name, d.stock_code, d.corp_cls,
               d.report_nm, d.flr_nm, d.rm, s.event_type, s.impact_score
        from dart_raw.disclosures d
        left join dart_marts.disclosure_impact_scores s using (rcept_no)
        where d.rcept_dt between :start and :end
          and (cast(:corp_code as text) is null or d.corp_code = :corp_code)
          and (cast(:event_type as text) is null or s.event_type = :event_type)
        order by d.rcept_dt desc, d.rcept_no desc
        limit :limit offset :offset
        """,
        start=start, end=end, corp_code=corp_code, event_type=event_type, limit=limit, offset=offset,
    )


def by_date_range(
    conn: sa.Connection, table: str, date_column: str, key_column: str, start: date, end: date, limit: int, offset: int
) -> list[dict[str, Any]]:
    """Rows of a mart between two dates; table and columns come from code, never from users.

    Ordered by date, then by the mart's unique key: many rows share a date, and limit/offset
    pages over an order with ties could repeat or skip rows.
    """
    return _rows(
        conn,
        f"select * from {table} where {date_column} between :start and :end "
        f"order by {date_column}, {key_column} limit :limit offset :offset",
        start=start, end=end, limit=limit, offset=offset,
    )


def latest_fear_greed(conn: sa.Connection) -> dict[str, Any] | None:
    rows = _rows(conn, "select * from dart_marts.fear_greed_index order by date desc limit 1")
    return rows[0] if rows else None


def index_weights(conn: sa.Connection, on: date) -> list[dict[str, Any]]:
    return _rows(
        conn,
        """
        select * from dart_marts.index_weights
        where date = (select max(date) from dart_marts.index_weights where date <= :on)
        order by component
        """,
        on=on,
    )


def ops_table(conn: sa.Connection, table: str, order_by: str, limit: int, **filters: Any) -> list[dict[str, Any]]:
    """Newest rows of a dart_ops table with optional equality filters (names from code only)."""
    where = " and ".join(f"(cast(:{k} as text) is null or {k} = :{k})" for k in filters) or "true"
    return _rows(conn, f"select * from dart_ops.{table} where {where} order by {order_by} desc limit :limit", limit=limit, **filters)
