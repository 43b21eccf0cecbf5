"""Fixtures of the API tests: every mart the API reads, as small tables with a few rows."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from dart_assets.api.keys import create_api_key

ALL_MARTS_DDL = """
create schema if not exists dart_marts;
create table dart_marts.disclosure_impact_scores (
    rcept_no text primary key, rcept_dt date not null, corp_code text not null, event_type text not null,
    impact_score numeric(5,2) not null, modifiers text);
create table dart_marts.daily_disclosure_sentiment (
    date date primary key, n_disclosures integer not null, sentiment_score numeric(5,2));
create table dart_marts.market_moving_events (
    event_id text primary key, date date not null, kind text not null, event_type text, z_score numeric(12,4));
create table dart_marts.fear_greed_index (date date primary key, value numeric(5,2) not null, label text not null);
create table dart_marts.index_weights (
    date date not null, component text not null, weight numeric(7,6) not null, is_available boolean);
insert into dart_raw.disclosures (rcept_no, corp_code, corp_name, stock_code, corp_cls, report_nm, flr_nm, rcept_dt, rm)
select to_char(d, 'YYYYMMDD') || lpad(i::text, 6, '0'), case when i % 2 = 0 then '00126380' else '00164779' end,
       '회사' || i, null, 'Y', '주요사항보고서', '회사', d::date, ''
from generate_series(date '2026-09-10', date '2026-09-16', interval '1 day') d, generate_series(1, 3) i;
insert into dart_marts.disclosure_impact_scores
select rcept_no, rcept_dt, corp_code, case when right(rcept_no, 1) = '1' then 'buyback' else 'ir' end,
       50 + length(rcept_no) % 7, null
from dart_raw.disclosures;
insert into dart_marts.daily_disclosure_sentiment
select d::date, 3, 55.5 from generate_series(date '2026-09-10', date '2026-09-16', interval '1 day') d;
insert into dart_marts.market_moving_events values
    ('2026-09-15:cluster:buyback', '2026-09-15', 'event_cluster', 'buyback', 2.5),
    ('2026-09-15:burst:00126380', '2026-09-15', 'company_burst', null, 3.1),
    ('2026-09-16:shift', '2026-09-16', 'sentiment_shift', null, -2.2);
insert into dart_marts.fear_greed_index
select d::date, 40 + extract(day from d), 'fear'
from generate_series(date '2026-09-10', date '2026-09-16', interval '1 day') d;
insert into dart_marts.index_weights values
    ('2026-09-14', 'momentum', 0.5, true), ('2026-09-14', 'disclosure_sentiment', 0.5, true),
    ('2026-09-16', 'momentum', 0.6, true), ('2026-09-16', 'disclosure_sentiment', 0.4, true);
insert into dart_ops.audit_log (actor, action, target, details)
select 'ops-' || (i % 3), case when i % 2 = 0 then 'api_key.create' else 'retention.run' end, 't' || i, '{}'::jsonb
from generate_series(1, 7) i;
"""


@pytest.fixture
def marts(engine: sa.Engine) -> sa.Engine:
    """The warehouse with every mart table and a week of rows (2026-09-10..16)."""
    with engine.begin() as conn:
        conn.execute(sa.text(ALL_MARTS_DDL))
    return engine


@pytest.fixture
def api_keys(engine: sa.Engine) -> Iterator[dict[str, str]]:
    yield {
        "read": create_api_key(engine, "reader", ["read"]),
        "admin": create_api_key(engine, "operator", ["read", "admin"]),
    }
