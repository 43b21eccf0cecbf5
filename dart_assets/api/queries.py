"""Read queries against the contract tables (dart_marts, dart_raw, dart_ops).

Only columns named in CONTRACTS.md are relied on by name; mart tables are otherwise returned
as they are, so extra columns the dbt models add flow through without code changes.

Every list is a `Listing`: a total order (its last column is unique), an index that serves that
order (migration 0005 for dart_raw/dart_ops, the `indexes` config of the mart models), and keyset
pagination over it: a page after a cursor is `where (order columns) > (the cursor's values)`, a
range scan of that index that costs the same on page 1 and page 10,000. Table and column names
come from code, never from users; values are bound parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa


@dataclass(frozen=True)
class Column:
    sql: str  # expression in the query
    name: str  # key in the answered row
    kind: str  # date | ts | text | int: how a cursor carries it


@dataclass(frozen=True)
class Listing:
    name: str  # also tags its cursors
    source: str
    order: tuple[Column, ...]
    descending: bool
    select: str = "*"
    date_column: str | None = None
    filters: tuple[tuple[str, str], ...] = field(default=())  # (parameter, column expression)

    def filter_sql(self, parameter: str) -> str:
        return dict(self.filters)[parameter]


def _number(value: Any) -> Any:
    """JSON numbers for numeric columns (FastAPI would send Decimals as strings)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def _rows(conn: sa.Connection, sql: str, **params: Any) -> list[dict[str, Any]]:
    return [{k: _number(v) for k, v in r.items()} for r in conn.execute(sa.text(sql), params).mappings()]


DISCLOSURES = Listing(
    name="disclosures",
    source="dart_raw.disclosures d left join dart_marts.disclosure_impact_scores s using (rcept_no)",
    select=(
        "d.rcept_no, d.rcept_dt, d.corp_code, d.corp_name, d.stock_code, d.corp_cls, "
        "d.report_nm, d.flr_nm, d.rm, s.event_type, s.impact_score"
    ),
    order=(Column("d.rcept_dt", "rcept_dt", "date"), Column("d.rcept_no", "rcept_no", "text")),
    descending=True,
    date_column="d.rcept_dt",
    filters=(("corp_code", "d.corp_code"), ("event_type", "s.event_type")),
)


def _mart(name: str, table: str, date_column: str, key_column: str | None, key_kind: str = "text") -> Listing:
    """Rows of a mart between two dates, by date then by the mart's unique key."""
    order = [Column(date_column, date_column, "date")]
    if key_column:
        order.append(Column(key_column, key_column, key_kind))
    return Listing(name, f"dart_marts.{table}", tuple(order), descending=False, date_column=date_column)


MARTS = {
    "impact-scores": _mart("impact-scores", "disclosure_impact_scores", "rcept_dt", "rcept_no"),
    "sentiment": _mart("sentiment", "daily_disclosure_sentiment", "date", None),
    "events": _mart("events", "market_moving_events", "date", "event_id"),
    "fear-greed": _mart("fear-greed", "fear_greed_index", "date", None),
}


def _ops(name: str, table: str, order: tuple[Column, ...], *filters: str) -> Listing:
    """Newest rows of a dart_ops table first, with optional equality filters."""
    return Listing(name, f"dart_ops.{table}", order, descending=True, filters=tuple((f, f) for f in filters))


OPS = {
    "quarantine": _ops(
        "quarantine",
        "quarantine",
        (Column("quarantined_at", "quarantined_at", "ts"), Column("id", "id", "int")),
        "asset_key",
        "partition_key",
    ),
    "dead-letters": _ops(
        "dead-letters",
        "dead_letters",
        (Column("failed_at", "failed_at", "ts"), Column("id", "id", "int")),
        "status",
        "job_name",
    ),
    "partition-loads": _ops(
        "partition-loads",
        "partition_loads",
        (
            Column("loaded_at", "loaded_at", "ts"),
            Column("asset_key", "asset_key", "text"),
            Column("partition_key", "partition_key", "text"),
        ),
        "asset_key",
        "partition_key",
    ),
    "audit": _ops("audit", "audit_log", (Column("at", "at", "ts"), Column("id", "id", "int")), "action", "actor"),
}


def build(
    listing: Listing,
    *,
    start: date | None = None,
    end: date | None = None,
    filters: dict[str, Any] | None = None,
    after: tuple[Any, ...] | None = None,
    limit: int,
    offset: int = 0,
) -> tuple[str, dict[str, Any]]:
    """The SQL and parameters of one page of `listing`.

    An equality filter on an order column makes that column constant, so it leaves the order and
    the keyset comparison: what remains is exactly the order of the index that leads with the
    filtered column (e.g. partition_loads by asset_key: (asset_key, loaded_at, partition_key)).
    """
    filters = {k: v for k, v in (filters or {}).items() if v is not None}
    where: list[str] = []
    params: dict[str, Any] = {"limit": limit}
    if listing.date_column:
        where.append(f"{listing.date_column} between :start and :end")
        params.update(start=start, end=end)
    for i, (parameter, value) in enumerate(sorted(filters.items())):
        where.append(f"{listing.filter_sql(parameter)} = :f{i}")
        params[f"f{i}"] = value
    constant = {listing.filter_sql(p) for p in filters}
    active = [(i, c) for i, c in enumerate(listing.order) if c.sql not in constant]
    if after is not None:
        columns = ", ".join(c.sql for _, c in active)
        values = ", ".join(f":c{i}" for i, _ in active)
        where.append(f"({columns}) {'<' if listing.descending else '>'} ({values})")
        params.update({f"c{i}": after[i] for i, _ in active})
    direction = " desc" if listing.descending else ""
    sql = (
        f"select {listing.select} from {listing.source} where {' and '.join(where) or 'true'} "
        f"order by {', '.join(c.sql + direction for _, c in active)} limit :limit"
    )
    if offset:
        sql += " offset :offset"
        params["offset"] = offset
    return sql, params


def page(conn: sa.Connection, listing: Listing, **kwargs: Any) -> list[dict[str, Any]]:
    sql, params = build(listing, **kwargs)
    return _rows(conn, sql, **params)


def latest_fear_greed(conn: sa.Connection) -> dict[str, Any] | None:
    rows = _rows(conn, "select * from dart_marts.fear_greed_index order by date desc limit 1")
    return rows[0] if rows else None


INDEX_WEIGHTS_SQL = """
select * from dart_marts.index_weights
where date = (select max(date) from dart_marts.index_weights where date <= :on)
order by component
"""


def index_weights(conn: sa.Connection, on: date) -> list[dict[str, Any]]:
    return _rows(conn, INDEX_WEIGHTS_SQL, on=on)


# The dashboard's queries (dart_assets/api/dashboard): the index, components and histories come
# through the listings and functions above, as the API answers them; these add what the
# endpoints have no list for. Every value is a bound parameter.

FEAR_GREED_AS_OF_SQL = """
select a.n, f.*
from unnest(cast(:dates as date[])) with ordinality as a(on_date, n)
left join lateral (
    select * from dart_marts.fear_greed_index where date <= a.on_date order by date desc limit 1
) as f on true
order by a.n
"""


def fear_greed_as_of(conn: sa.Connection, dates: list[date]) -> list[dict[str, Any] | None]:
    """For each date, the newest index row on or before it (None when there is none)."""
    rows = _rows(conn, FEAR_GREED_AS_OF_SQL, dates=list(dates))
    return [None if r["date"] is None else {k: v for k, v in r.items() if k != "n"} for r in rows]


KOSPI_CLOSES_SQL = """
select date, clsprc_idx as close from market_raw.kospi_index
where idx_nm = '코스피' and date between :start and :end and clsprc_idx is not null
order by date
"""


def kospi_closes(conn: sa.Connection, start: date, end: date) -> list[dict[str, Any]]:
    """KOSPI closes per session (market_raw.kospi_index, the series stg_market__kospi reads)."""
    return _rows(conn, KOSPI_CLOSES_SQL, start=start, end=end)


TOP_MOVERS_SQL = """
with day as (
    select max(rcept_dt) as rcept_dt from dart_marts.disclosure_impact_scores where rcept_dt <= :on
)
select s.*, d.corp_name as filer_corp_name, d.report_nm as filed_report_nm
from dart_marts.disclosure_impact_scores as s
join day on s.rcept_dt = day.rcept_dt
left join dart_raw.disclosures as d on d.rcept_no = s.rcept_no
where s.impact_score <> 50
order by abs(s.impact_score - 50) desc, s.rcept_no
limit :limit
"""


def top_movers(conn: sa.Connection, on: date, limit: int = 10) -> list[dict[str, Any]]:
    """The scored filings of the newest filing date on or before `on` that move the score most
    from neutral: |impact_score - 50| descending, then rcept_no."""
    return _rows(conn, TOP_MOVERS_SQL, on=on, limit=limit)


def latest_filing_date(conn: sa.Connection, on: date) -> date | None:
    return conn.execute(
        sa.text("select max(rcept_dt) from dart_marts.disclosure_impact_scores where rcept_dt <= :on"), {"on": on}
    ).scalar()


def events_on(conn: sa.Connection, on: date, limit: int = 20) -> list[dict[str, Any]]:
    """Market-moving events (clusters, bursts, shifts, severe events) detected on one date."""
    return _rows(
        conn,
        "select * from dart_marts.market_moving_events where date = :on "
        "order by abs(z_score) desc nulls last, event_id limit :limit",
        on=on,
        limit=limit,
    )


# Pipeline status: per asset its highest partition, newest load and partition count (`dart-fg
# health` reports the newest load's partition instead: ops/health.py, assets_report).
PARTITION_STATUS_SQL = """
select asset_key, max(partition_key) as last_partition, max(loaded_at) as last_loaded_at, count(*) as partitions
from dart_ops.partition_loads group by asset_key order by asset_key
"""


def partition_status(conn: sa.Connection) -> list[dict[str, Any]]:
    """Per asset: its latest partition loaded (partition keys are ISO dates), last load, partitions."""
    return _rows(conn, PARTITION_STATUS_SQL)


def open_incidents(conn: sa.Connection, limit: int = 20) -> list[dict[str, Any]]:
    return _rows(
        conn,
        "select incident_key, kind, summary, opened_at, updated_at from dart_ops.alert_incidents "
        "where status = 'open' order by opened_at desc, incident_key limit :limit",
        limit=limit,
    )


def quota_used(conn: sa.Connection, day: date) -> list[dict[str, Any]]:
    """Calls per key fingerprint on one Asia/Seoul day ("KRX:..."/"ECOS:..." are market keys)."""
    return _rows(
        conn,
        "select key_id, calls, exhausted from dart_ops.api_quota_usage where usage_date = :day order by key_id",
        day=day,
    )


def dead_letters_open(conn: sa.Connection) -> dict[str, int]:
    rows = conn.execute(
        sa.text("select status, count(*) from dart_ops.dead_letters where status <> 'resolved' group by status")
    ).all()
    return {status: int(n) for status, n in rows}


def breakers(conn: sa.Connection) -> list[dict[str, Any]]:
    return _rows(conn, "select name, state, opened_at from dart_ops.circuit_breaker order by name")
