"""The Pandera models on real DART quirks: what loads, what is quarantined and why."""

import time
from datetime import date

import pandas as pd

from dart_assets.sources.dart.schemas import (
    CorpCodeFrame,
    FinancialAccountFrame,
    corp_codes_frame,
    disclosure_schema,
    disclosures_frame,
    financial_accounts_frame,
    model_schema,
)
from dart_assets.validation.quarantine import failure_reasons, split_valid

DAY = date(2025, 7, 21)
SCHEMA = disclosure_schema(DAY, DAY)


def filing(**overrides: str) -> dict[str, str]:
    row = {
        "corp_code": "00139719",
        "corp_name": "와이지-원",
        "stock_code": "019210",
        "corp_cls": "K",
        "report_nm": "정기주주총회결과              ",  # KIND titles carry 14 trailing spaces
        "rcept_no": "20250721900123",
        "flr_nm": "와이지-원",
        "rcept_dt": "20250721",
        "rm": "코",
    }
    row.update(overrides)
    return row


def split(rows: list[dict]) -> tuple[pd.DataFrame, list]:
    return split_valid(disclosures_frame(rows), SCHEMA, rows, ["rcept_no"])


def test_real_quirks_are_valid_and_kept_verbatim() -> None:
    rows = [
        filing(),
        # rcept_no dated the Friday before rcept_dt (대량보유 filed after hours): valid
        filing(
            rcept_no="20250718000602", report_nm="주식등의대량보유상황보고서(일반)", corp_cls="E", stock_code="", rm=""
        ),
        # a third party files: flr_nm differs from corp_name
        filing(rcept_no="20250721000777", flr_nm="국민연금공단", rm="유정"),
    ]
    valid, quarantined = split(rows)
    assert quarantined == []
    assert len(valid) == 3
    assert valid.loc[0, "report_nm"] == "정기주주총회결과              "
    assert valid.loc[1, "stock_code"] is None  # "" means unlisted -> NULL
    assert valid.loc[1, "rm"] == ""


def test_invalid_rows_get_every_reason_and_keep_the_raw_payload() -> None:
    rows = [
        filing(),
        filing(rcept_no="2025072190012", corp_cls="Z"),  # 13 digits and an unknown market
        filing(rcept_no="20250721900125", report_nm="   "),
        filing(rcept_no="20250721900126", rcept_dt="20250722"),  # belongs to the next partition
        filing(rcept_no="20250721900127", rcept_dt="20250231"),  # not a calendar date
        filing(rcept_no="20250721900128", stock_code="01921"),
        filing(rcept_no="20250721900129", rm=None),
    ]
    valid, quarantined = split(rows)
    assert list(valid["rcept_no"]) == ["20250721900123"]
    by_key = {q.record_key: q for q in quarantined}
    assert set(by_key) == {r["rcept_no"] for r in rows[1:]}
    both = by_key["2025072190012"].reason
    assert "rcept_no" in both and "corp_cls" in both
    assert "report_nm" in by_key["20250721900125"].reason
    assert "outside the partition 2025-07-21..2025-07-21" in by_key["20250721900126"].reason
    assert "calendar_date" in by_key["20250721900127"].reason
    assert "stock_code" in by_key["20250721900128"].reason
    assert "rm" in by_key["20250721900129"].reason
    assert by_key["20250721900125"].payload is rows[2]  # what DART sent, untouched
    assert by_key["20250721900125"].position == 2


def test_a_key_seen_twice_loads_once_and_quarantines_the_copy() -> None:
    rows = [filing(), filing(rm="코정")]
    valid, quarantined = split(rows)
    assert len(valid) == 1 and valid.iloc[0]["rm"] == "코"
    assert [q.position for q in quarantined] == [1]
    assert "uniqueness" in quarantined[0].reason


def test_a_missing_field_quarantines_every_row_instead_of_loading_half_checked() -> None:
    rows = [filing(), filing(rcept_no="20250721900124")]
    frame = disclosures_frame(rows).drop(columns=["flr_nm"])
    reasons = failure_reasons(frame, SCHEMA)
    assert set(reasons) == {0, 1}
    assert all(any("flr_nm" in r for r in rs) for rs in reasons.values())


def test_partition_window_bounds_rcept_dt() -> None:
    schema = disclosure_schema(date(2025, 7, 1), date(2025, 7, 31))
    rows = [filing(rcept_dt="20250701"), filing(rcept_no="20250721900124", rcept_dt="20250801")]
    valid, quarantined = split_valid(disclosures_frame(rows), schema, rows, ["rcept_no"])
    assert len(valid) == 1 and [q.record_key for q in quarantined] == ["20250721900124"]


def test_a_non_string_rcept_dt_quarantines_its_row_only() -> None:
    # A number where DART sends text must not make the window check raise for the whole column.
    rows = [filing(), filing(rcept_no="20250721900124", rcept_dt=20250721), filing(rcept_no="20250721900125")]
    valid, quarantined = split(rows)
    assert list(valid["rcept_no"]) == ["20250721900123", "20250721900125"]
    assert [q.position for q in quarantined] == [1] and "rcept_dt" in quarantined[0].reason


def test_corp_codes_blank_stock_code_is_null() -> None:
    rows = [
        {
            "corp_code": "00126380",
            "corp_name": "삼성전자",
            "corp_eng_name": "SAMSUNG ELECTRONICS CO,.LTD",
            "stock_code": "005930",
            "modify_date": "20250102",
        },
        {
            "corp_code": "01229727",
            "corp_name": "현대엔지니어링",
            "corp_eng_name": None,
            "stock_code": " ",
            "modify_date": "20240617",
        },
        {"corp_code": "1229727", "corp_name": "", "corp_eng_name": None, "stock_code": None, "modify_date": "2024"},
    ]
    frame = corp_codes_frame(rows)
    valid, quarantined = split_valid(frame, model_schema(CorpCodeFrame), rows, ["corp_code"])
    assert list(valid["corp_code"]) == ["00126380", "01229727"]
    assert valid.loc[1, "stock_code"] is None
    reason = quarantined[0].reason
    assert "corp_code" in reason and "corp_name" in reason and "modify_date" in reason


def account(**overrides: str) -> dict[str, str]:
    row = {
        "rcept_no": "20240312000736",
        "bsns_year": "2023",
        "corp_code": "00126380",
        "stock_code": "005930",
        "reprt_code": "11011",
        "account_nm": "자산총계",
        "fs_div": "CFS",
        "fs_nm": "연결재무제표",
        "sj_div": "BS",
        "sj_nm": "재무상태표",
        "thstrm_nm": "제 55 기",
        "thstrm_dt": "2023.12.31 현재",
        "thstrm_amount": "455,905,980,000,000",
        "frmtrm_nm": "제 54 기",
        "frmtrm_dt": "2022.12.31 현재",
        "frmtrm_amount": "448,424,507,000,000",
        "bfefrmtrm_nm": "제 53 기",
        "bfefrmtrm_dt": "2021.12.31 현재",
        "bfefrmtrm_amount": "426,621,158,000,000",
        "ord": "1",
        "currency": "KRW",
    }
    row.update(overrides)
    return row


def test_financial_accounts_amounts_and_codes() -> None:
    rows = [
        account(),
        account(fs_div="OFS", thstrm_amount="-", frmtrm_amount="-205,875"),  # both statements are kept
        account(fs_div="XFS", ord="2"),
        account(ord="3", reprt_code="11015"),
        account(ord="4", thstrm_amount="12.5"),  # not an integer amount
    ]
    frame = financial_accounts_frame(rows)
    assert frame.loc[0, "thstrm_add_amount"] is None  # absent key on annual BS rows
    valid, quarantined = split_valid(
        frame, model_schema(FinancialAccountFrame), rows, ["rcept_no", "fs_div", "sj_div", "account_nm", "ord"]
    )
    assert list(valid["fs_div"]) == ["CFS", "OFS"]
    reasons = {q.position: q.reason for q in quarantined}
    assert "fs_div" in reasons[2] and "reprt_code" in reasons[3] and "thstrm_amount" in reasons[4]


def test_a_missing_ord_is_the_stored_0_and_cannot_collide_in_the_upsert() -> None:
    rows = [account(ord="0"), {k: v for k, v in account().items() if k != "ord"}]
    frame = financial_accounts_frame(rows)
    assert list(frame["ord"]) == ["0", "0"]
    valid, quarantined = split_valid(frame, model_schema(FinancialAccountFrame), rows, ["rcept_no", "ord"])
    assert len(valid) == 1 and [q.position for q in quarantined] == [1] and "uniqueness" in quarantined[0].reason
    assert "ord" not in quarantined[0].payload  # the payload stays as DART sent it


def test_a_busy_day_validates_in_well_under_a_second() -> None:
    volume = 2000
    rows = [filing(rcept_no=f"20250721{i:06d}") for i in range(volume)]
    started = time.perf_counter()
    valid, quarantined = split(rows)
    assert len(valid) == volume and not quarantined
    assert time.perf_counter() - started < 1.5
