"""dart_raw/financial_accounts (weekly) and dart_raw/corp_codes from the simulator."""

import math
from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from dart_assets.core.partitions import CORP_CODES_KEY, DISCLOSURES_KEY, FINANCIAL_ACCOUNTS_KEY
from dart_assets.sources.dart.assets.financials import reports_to_fetch

WEEK = "2025-03-17"  # Monday of a week in the annual-report season (사업보고서 (2024.12))
WEEK_DAYS = ("2025-03-17", "2025-03-23")


def test_weekly_financials_ask_only_the_weeks_filers_in_batches_of_100(materialize, sim, engine) -> None:
    materialize(DISCLOSURES_KEY, *WEEK_DAYS)
    with engine.connect() as conn:
        filers = set(
            conn.execute(
                sa.text(
                    "SELECT corp_code FROM dart_raw.disclosures WHERE rcept_dt BETWEEN '2025-03-17' AND '2025-03-23' "
                    "AND report_nm ~ '사업보고서 \\(2024\\.12\\)'"
                )
            ).scalars()
        )
    assert len(filers) > 100  # enough to need several batches

    before = len(sim.requests)
    run = materialize(FINANCIAL_ACCOUNTS_KEY, WEEK)
    calls = [r for r in sim.requests[before:] if r.endpoint == "fnlttMultiAcnt.json"]
    asked = [r.params["corp_code"].split(",") for r in calls]
    groups = reports_to_fetch(engine, date(2025, 3, 17), date(2025, 3, 24))
    assert len(calls) == sum(math.ceil(len(codes) / 100) for codes in groups.values())
    assert all(len(batch) <= 100 for batch in asked)
    annual = {
        c
        for r, batch in zip(calls, asked, strict=True)
        if r.params["reprt_code"] == "11011" and r.params["bsns_year"] == "2024"
        for c in batch
    }
    assert annual == filers  # exactly the week's filers: no call for companies that filed nothing

    meta = run.metadata[WEEK]
    assert meta["api_calls"] == len(calls) and meta["rows_inserted"] == meta["rows_fetched"] > 0
    assert all(run.checks.values()) and len(run.checks) == 2
    with engine.connect() as conn:
        by_fs = dict(conn.execute(sa.text("SELECT fs_div, count(*) FROM dart_raw.financial_accounts GROUP BY 1")).all())
        amount, week_start = conn.execute(
            sa.text(
                "SELECT thstrm_amount, week_start FROM dart_raw.financial_accounts "
                "WHERE thstrm_amount IS NOT NULL LIMIT 1"
            )
        ).one()
    assert set(by_fs) == {"CFS", "OFS"}  # consolidated and separate both kept
    assert isinstance(amount, Decimal) and amount == amount.to_integral_value()  # numeric, never float
    assert str(week_start) == WEEK

    again = materialize(FINANCIAL_ACCOUNTS_KEY, WEEK).metadata[WEEK]
    assert (again["rows_inserted"], again["rows_updated"], again["rows_unchanged"]) == (0, 0, meta["rows_fetched"])


def test_a_week_without_periodic_reports_costs_no_call(materialize, sim) -> None:
    before = len(sim.requests)
    run = materialize(FINANCIAL_ACCOUNTS_KEY, "2025-07-14")  # no disclosures loaded for that week
    assert [r for r in sim.requests[before:] if r.endpoint.startswith("fnltt")] == []
    assert run.metadata["2025-07-14"]["rows_fetched"] == 0


def test_corp_codes_upsert_and_track_modify_date_changes(materialize, engine) -> None:
    run = materialize(CORP_CODES_KEY)
    meta = run.metadata[None]
    assert meta["rows_inserted"] == meta["rows_fetched"] > 100_000 and meta["api_calls"] == 1
    assert all(run.checks.values()) and len(run.checks) == 2
    with engine.connect() as conn:
        listed, unlisted_blank = conn.execute(
            sa.text(
                "SELECT count(stock_code), count(*) FILTER (WHERE stock_code = '' OR stock_code = ' ') "
                "FROM dart_raw.corp_codes"
            )
        ).one()
    assert listed > 1000 and unlisted_blank == 0

    with engine.begin() as conn:  # an older record of one company
        corp_code, modify_date = conn.execute(
            sa.text("SELECT corp_code, modify_date FROM dart_raw.corp_codes WHERE modify_date > '2001-01-01' LIMIT 1")
        ).one()
        conn.execute(
            sa.text("UPDATE dart_raw.corp_codes SET modify_date = '2001-01-01' WHERE corp_code = :c"), {"c": corp_code}
        )
    again = materialize(CORP_CODES_KEY).metadata[None]
    assert (again["rows_inserted"], again["rows_updated"]) == (0, 1)
    with engine.connect() as conn:
        changes = conn.execute(
            sa.text("SELECT corp_code, previous_modify_date::text, modify_date FROM dart_raw.corp_code_changes")
        ).all()
        restored = conn.execute(
            sa.text("SELECT modify_date FROM dart_raw.corp_codes WHERE corp_code = :c"), {"c": corp_code}
        ).scalar()
    assert changes == [(corp_code, "2001-01-01", modify_date)]
    assert restored == modify_date
