"""market_raw/* materialized from the simulator's KRX and ECOS over real HTTP into PostgreSQL."""

from __future__ import annotations

import logging
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from dart_assets.core.settings import get_settings
from dart_assets.sources.http import errors
from dart_assets.sources.krx.client import KOSPI_INDEX as KOSPI_ENDPOINT
from dart_assets.sources.market.assets import KRX_TABLES, load_krx_session, market_key, missing_session_error
from dart_assets.sources.market.tables import BOND_YIELDS, DERIVATIVE_INDICES, KOSPI_INDEX, OPTION_TRADES, STOCK_TRADES

RECORDED = "2024-01-04"
MARKET_KEY = "M4rketS3cretKEY" * 2


@pytest.fixture
def market(sim, monkeypatch: pytest.MonkeyPatch):
    """The simulator's KRX and ECOS wired into the settings, with a key easy to spot."""
    monkeypatch.setenv("KRX_API_BASE_URL", sim.krx_base_url)
    monkeypatch.setenv("ECOS_API_BASE_URL", sim.ecos_base_url)
    monkeypatch.setenv("KRX_API_KEY", MARKET_KEY)
    monkeypatch.setenv("ECOS_API_KEY", MARKET_KEY)
    monkeypatch.setenv("DART_FG_MARKET_REQUESTS_PER_SECOND", "1000")
    get_settings.cache_clear()
    yield sim
    get_settings.cache_clear()


def scalar(engine: sa.Engine, sql: str, **params):
    with engine.connect() as conn:
        return conn.execute(sa.text(sql), params).scalar_one()


def test_the_recorded_session_loads_exactly_what_krx_sent(market, materialize, engine) -> None:
    runs = {table: materialize(market_key(table), RECORDED) for table in (*KRX_TABLES.values(), BOND_YIELDS)}

    day = date.fromisoformat(RECORDED)
    assert scalar(
        engine, "SELECT clsprc_idx FROM market_raw.kospi_index WHERE date = :d AND idx_nm = '코스피'", d=day
    ) == Decimal("2587.02")
    assert scalar(
        engine,
        "SELECT clsprc_idx FROM market_raw.derivative_indices WHERE date = :d AND idx_nm = '코스피 200 변동성지수'",
        d=day,
    ) == Decimal("18.20")
    put_call = (
        "SELECT sum(acc_trdvol) FROM market_raw.option_trades "
        "WHERE date = :d AND prod_nm = '코스피200 옵션' AND rght_tp_nm = :r"
    )
    assert (scalar(engine, put_call, d=day, r="PUT"), scalar(engine, put_call, d=day, r="CALL")) == (932884, 1256781)
    assert scalar(engine, "SELECT count(*) FROM market_raw.stock_trades WHERE date = :d", d=day) == 953
    # "-" is NULL, never zero: the foreign-inclusive KOSPI series has no prices
    assert (
        scalar(engine, "SELECT count(*) FROM market_raw.kospi_index WHERE date = :d AND clsprc_idx IS NULL", d=day) > 0
    )
    assert scalar(engine, "SELECT count(DISTINCT item_code) FROM market_raw.bond_yields WHERE date = :d", d=day) == 4

    stocks = runs[STOCK_TRADES]
    assert stocks.metadata[RECORDED]["rows_fetched"] == stocks.metadata[RECORDED]["rows_inserted"] == 953
    assert stocks.metadata[RECORDED]["api_calls"] == 1 and stocks.metadata[RECORDED]["rows_quarantined"] == 0
    assert stocks.checks == {"issue_count_plausible": True, "quarantine_rate_below_threshold": True}
    assert runs[KOSPI_INDEX].checks["one_kospi_row_per_session"] is True
    assert runs[OPTION_TRADES].checks["put_and_call_volume_present"] is True


def test_a_rerun_changes_nothing_and_a_backfill_is_one_run(market, materialize, engine) -> None:
    first = materialize(market_key(DERIVATIVE_INDICES), "2024-01-02", "2024-01-05")
    assert sorted(first.metadata) == ["2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"]
    count = "SELECT count(*) FROM market_raw.derivative_indices"
    before = scalar(engine, count)
    again = materialize(market_key(DERIVATIVE_INDICES), "2024-01-02", "2024-01-05")
    assert scalar(engine, count) == before
    assert all(m["rows_inserted"] == 0 and m["rows_updated"] == 0 for m in again.metadata.values())


def test_bond_yields_keep_sessions_only_and_ask_ecos_once_per_item(market, materialize, engine) -> None:
    # 2024-02-09 and 2024-02-12 are weekdays the exchange was closed (Seollal); ECOS serves weekdays
    run = materialize(market_key(BOND_YIELDS), "2024-02-05", "2024-02-16")
    days = {r for (r,) in engine.connect().execute(sa.text("SELECT DISTINCT date FROM market_raw.bond_yields"))}
    assert date(2024, 2, 9) not in days and date(2024, 2, 12) not in days and date(2024, 2, 13) in days
    assert len(run.metadata) == 8  # sessions of the range
    assert sum(m["api_calls"] for m in run.metadata.values()) == 4
    ecos_calls = [r for r in market.requests if r.endpoint.startswith("ecos/")]
    assert len(ecos_calls) == 4


def test_an_unapproved_endpoint_fails_at_once_naming_it(market, materialize, engine) -> None:
    market.config.market_faults.unapproved_endpoints = {"drv/opt_bydd_trd"}
    run = materialize(market_key(OPTION_TRADES), RECORDED, raise_on_error=False)
    assert not run.result.success
    failure = run.result.get_step_failure_events()[0]
    text = str(failure.event_specific_data.error)
    assert "drv/opt_bydd_trd" in text and "401" in text and MARKET_KEY not in text
    assert len([r for r in market.requests if r.endpoint.startswith("krx/")]) == 1  # no retry of a 401


def test_the_daily_budget_stops_cleanly_keeping_what_loaded(market, materialize, engine, monkeypatch) -> None:
    monkeypatch.setenv("DART_FG_MARKET_DAILY_CALL_BUDGET", "2")
    get_settings.cache_clear()
    run = materialize(market_key(KOSPI_INDEX), "2024-01-02", "2024-01-05", raise_on_error=False)
    assert not run.result.success
    assert "Market data daily quota exhausted" in str(
        run.failure or run.result.get_step_failure_events()[0].event_specific_data.error
    )
    assert scalar(engine, "SELECT count(DISTINCT date) FROM market_raw.kospi_index") == 2


class _FakeKrx:
    """Answers like KRX with one invalid row (a price that is not a number) and one duplicate."""

    def __init__(self, rows):
        self.rows = rows

    def daily(self, endpoint, day):
        return self.rows

    def stats(self):
        return {"api_calls": 1, "retries": 0}

    def remaining_budget(self):
        return 1


def test_invalid_rows_go_to_quarantine_with_their_reason(dart_env, engine) -> None:
    good = {"BAS_DD": "20240104", "IDX_CLSS": "KOSPI", "IDX_NM": "코스피", "CLSPRC_IDX": "2587.02"}
    bad = {"BAS_DD": "20240104", "IDX_CLSS": "KOSPI", "IDX_NM": "코스피 200", "CLSPRC_IDX": "2,58x"}
    stray = {"BAS_DD": "20240105", "IDX_CLSS": "KOSPI", "IDX_NM": "코스피 100", "CLSPRC_IDX": "1"}
    [load] = load_krx_session(_FakeKrx([good, bad, stray]), engine, KOSPI_ENDPOINT, RECORDED, run_id="r1")
    assert (load.result.inserted, load.result.quarantined) == (1, 2)
    with engine.connect() as conn:
        reasons = dict(conn.execute(sa.text("SELECT record_key, reason FROM dart_ops.quarantine")).all())
    assert "CLSPRC_IDX: number_or_missing_marker" in reasons["20240104|코스피 200"]
    assert "BAS_DD: session_of_the_partition" in reasons["20240105|코스피 100"]


def test_an_empty_answer_is_not_published_yet_until_the_next_morning() -> None:
    seoul = ZoneInfo("Asia/Seoul")
    session = date(2026, 12, 1)
    early = missing_session_error("KRX", "idx/kospi_dd_trd", session, now=datetime(2026, 12, 2, 8, 59, tzinfo=seoul))
    late = missing_session_error("KRX", "idx/kospi_dd_trd", session, now=datetime(2026, 12, 2, 9, 1, tzinfo=seoul))
    assert isinstance(early, errors.NotYetPublishedError) and early.retryable
    assert isinstance(late, errors.ServiceError) and not late.retryable and "2026-12-01" in str(late)


def test_the_market_keys_appear_nowhere(market, materialize, engine, db_url, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    market.config.market_faults.error_rate = 0.3
    for table in (KOSPI_INDEX, BOND_YIELDS):
        materialize(market_key(table), RECORDED, raise_on_error=False)
    with engine.connect() as conn:
        tables = conn.execute(
            sa.text(
                "SELECT table_schema, table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
                "AND table_schema NOT IN ('pg_catalog', 'information_schema')"
            )
        ).all()
        dump = "\n".join(
            t for s, n in tables for t in conn.execute(sa.text(f'SELECT x::text FROM "{s}"."{n}" x')).scalars()
        )
    assert "2587.02" in dump  # the dump does hold the data
    assert MARKET_KEY not in dump and MARKET_KEY not in caplog.text
    assert MARKET_KEY not in repr(get_settings())
