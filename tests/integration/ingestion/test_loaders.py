"""The loaders against real PostgreSQL: exact round trips, counts, atomicity of a failed load."""

from decimal import Decimal

import pytest
import sqlalchemy as sa

from dart_assets.validation.quarantine import Quarantined
from dart_assets.validation.schemas import disclosures_frame, financial_accounts_frame
from dart_assets.warehouse.loaders import PartitionStats, load_disclosures, load_financial_accounts

pytestmark = pytest.mark.integration

KEY = "dart_raw/disclosures"


def filing(rcept_no: str, **overrides) -> dict:
    row = {"corp_code": "00126380", "corp_name": "삼성전자", "stock_code": "005930", "corp_cls": "Y",
           "report_nm": "기업설명회(IR)개최(안내공시)              ", "rcept_no": rcept_no, "flr_nm": "삼성전자",
           "rcept_dt": "20250721", "rm": ""}
    row.update(overrides)
    return row


def load(engine: sa.Engine, rows: list[dict], quarantined=(), run_id: str = "r1"):
    return load_disclosures(
        engine, asset_key=KEY, partition_key="2025-07-21", frame=disclosures_frame(rows), quarantined=list(quarantined),
        stats=PartitionStats(total_count=len(rows) + len(quarantined), api_calls=1), run_id=run_id,
    )


def test_values_round_trip_exactly_and_empty_is_not_null(engine) -> None:
    odd = "줄\r바꿈\n탭\t역슬래시\\N 끝 "
    rows = [filing("20250721000001", report_nm=odd, stock_code="", rm=""), filing("20250721000002", rm="유정")]
    result = load(engine, rows)
    assert (result.fetched, result.inserted, result.updated, result.unchanged) == (2, 2, 0, 0)
    with engine.connect() as conn:
        got = conn.execute(sa.text("SELECT report_nm, stock_code, rm FROM dart_raw.disclosures ORDER BY rcept_no")).all()
    assert got == [(odd, None, ""), ("기업설명회(IR)개최(안내공시)              ", "005930", "유정")]


def test_counts_separate_changed_rows_from_resightings(engine) -> None:
    load(engine, [filing("20250721000001"), filing("20250721000002")])
    result = load(engine, [filing("20250721000001", rm="정"), filing("20250721000002"), filing("20250721000003")])
    assert (result.inserted, result.updated, result.unchanged) == (1, 1, 1)


def test_a_failing_load_leaves_the_previous_state_and_quarantine(engine) -> None:
    bad = Quarantined(0, "20250721000009", "corp_cls: isin (value 'X')", {"rcept_no": "20250721000009"})
    load(engine, [filing("20250721000001")], quarantined=[bad])
    with pytest.raises(sa.exc.DBAPIError):  # the table's CHECK refuses a 13-digit rcept_no mid-transaction
        load(engine, [filing("20250721000001", rm="정"), filing("2025072100000")], run_id="r2")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT rcept_no, rm FROM dart_raw.disclosures")).all() == [("20250721000001", "")]
        assert conn.execute(sa.text("SELECT record_key, run_id FROM dart_ops.quarantine")).all() == [("20250721000009", "r1")]
        assert conn.execute(sa.text("SELECT run_id FROM dart_ops.partition_loads")).scalar() == "r1"


def test_financial_amounts_are_exact_numerics(engine) -> None:
    rows = [{"rcept_no": "20240312000736", "corp_code": "00126380", "bsns_year": "2023", "reprt_code": "11011",
             "fs_div": fs, "sj_div": "BS", "account_nm": "자산총계", "ord": "1",
             "thstrm_amount": "455,905,980,000,000,001", "frmtrm_amount": "-205,875", "bfefrmtrm_amount": "-"}
            for fs in ("CFS", "OFS")]
    frame = financial_accounts_frame(rows).assign(week_start="2024-03-11")
    result = load_financial_accounts(
        engine, asset_key="dart_raw/financial_accounts", partition_key="2024-03-11", frame=frame, quarantined=[],
        stats=PartitionStats(),
    )
    assert result.inserted == 2
    with engine.connect() as conn:
        got = conn.execute(
            sa.text("SELECT fs_div, thstrm_amount, frmtrm_amount, bfefrmtrm_amount, thstrm_add_amount "
                    "FROM dart_raw.financial_accounts ORDER BY fs_div")
        ).all()
    assert got == [(fs, Decimal("455905980000000001"), Decimal("-205875"), None, None) for fs in ("CFS", "OFS")]
