"""The simulated disclosure list: deterministic, realistic, and verbatim where data is recorded."""

from __future__ import annotations

import csv
import re
from datetime import date, timedelta

import pytest

from simulators import dataset, recorded
from simulators.dataset import Filing, filings_for_date

SEED = 42
ORDINARY_DAY = date(2025, 7, 2)  # a Wednesday outside the reporting seasons, no recorded rows
CHUSEOK = date(2025, 10, 6)  # a weekday that is a KRX holiday


def _real_csv_rows() -> list[dict[str, str]]:
    with open(recorded.DATA_DIR / recorded.LIST_ROWS_CSV, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_same_seed_and_day_give_the_same_filings_and_another_seed_does_not() -> None:
    first = filings_for_date(ORDINARY_DAY, SEED)
    filings_for_date.cache_clear()
    assert filings_for_date(ORDINARY_DAY, SEED) == first
    assert filings_for_date(ORDINARY_DAY, SEED + 1) != first


def test_business_days_carry_realistic_volumes_and_holidays_a_handful() -> None:
    assert 450 <= len(filings_for_date(ORDINARY_DAY, SEED)) <= 700
    assert 450 * 1.3 <= len(filings_for_date(date(2025, 11, 5), SEED)) <= 2_000  # November season
    assert not dataset.is_business_day(CHUSEOK)
    for holiday in (CHUSEOK, date(2025, 7, 5), date(2025, 7, 6)):
        assert 2 <= len(filings_for_date(holiday, SEED)) <= 8


def test_daily_volume_overrides_business_days_exactly() -> None:
    assert len(filings_for_date(ORDINARY_DAY, SEED, 2_000)) == 2_000
    assert len(filings_for_date(date(2026, 3, 20), SEED, 2_000)) == 2_000  # recorded rows included
    assert len(filings_for_date(date(2025, 7, 5), SEED, 2_000)) <= 8  # a Saturday stays quiet
    with pytest.raises(ValueError, match="daily_volume"):
        filings_for_date(ORDINARY_DAY, SEED, -1)


def test_rcept_no_is_unique_well_formed_and_newest_first_over_two_months() -> None:
    # July 2025 holds recorded rows numbered 000001-000008 in a row: generated ones step around them.
    seen: set[str] = set()
    day = date(2025, 7, 1)
    while day <= date(2025, 8, 31):
        filings = filings_for_date(day, SEED)
        numbers = [f.rcept_no for f in filings]
        assert numbers == sorted(numbers, reverse=True)
        for f in filings:
            assert re.fullmatch(r"\d{14}", f.rcept_no)
            assert f.rcept_dt == day.strftime("%Y%m%d")
            assert f.rcept_no[:8] <= f.rcept_dt
        assert seen.isdisjoint(numbers)
        seen.update(numbers)
        day += timedelta(days=1)


def test_generated_rows_follow_the_real_channel_market_and_padding_rules() -> None:
    filings = filings_for_date(ORDINARY_DAY, SEED)
    exchange = [f for f in filings if f.rcept_no[8] in "89"]
    assert exchange and len(exchange) < len(filings)
    for f in exchange:
        assert f.report_nm.endswith(" " * 14) and not f.report_nm.endswith(" " * 15)
        assert (f.rcept_no[8], f.corp_cls, f.rm[:1]) in {("8", "Y", "유"), ("9", "K", "코")}
    for f in filings:
        assert (f.stock_code == "") == (f.corp_cls == "E")
        assert set(f.rm) <= set("유코채넥공연정철")
    delayed = [f for f in filings if f.rcept_no[:8] < f.rcept_dt]
    assert 0 < len(delayed) < len(filings) * 0.05
    third_party = [f for f in filings if f.flr_nm != f.corp_name]
    assert 0 < len(third_party) < len(filings) * 0.3


def test_recorded_rows_are_served_verbatim_with_trailing_spaces() -> None:
    real = [r for r in _real_csv_rows() if r["rcept_dt"] == "20260320"]
    served = {f.rcept_no: f for f in filings_for_date(date(2026, 3, 20), SEED)}
    assert len(real) > 10
    for row in real:
        assert served[row["rcept_no"]][:9] == tuple(row[name] for name in dataset.LIST_FIELDS)
    kia = served["20260320801417"]
    assert kia.report_nm == "정기주주총회결과" + " " * 14


def test_real_rows_dated_after_their_rcept_no_are_listed_on_their_rcept_dt() -> None:
    quirky = [r for r in _real_csv_rows() if r["rcept_no"][:8] != r["rcept_dt"]]
    assert quirky
    row = quirky[0]
    day = date(int(row["rcept_dt"][:4]), int(row["rcept_dt"][4:6]), int(row["rcept_dt"][6:]))
    assert row["rcept_no"] in {f.rcept_no for f in filings_for_date(day, SEED)}


def test_the_website_list_of_2022_01_03_is_served_whole_on_that_day() -> None:
    filings = filings_for_date(recorded.WEB_LIST_DAY, SEED)
    with open(recorded.DATA_DIR / recorded.WEB_LIST_CSV, encoding="utf-8", newline="") as handle:
        web = list(csv.DictReader(handle))
    served = {f.rcept_no: f for f in filings}
    assert len(web) == 502
    for row in web:
        filing = served[row["rcept_no"]]
        assert (filing.corp_name, filing.report_nm, filing.flr_nm, filing.rm) == (
            row["corp_name"],
            row["report_nm"],
            row["flr_nm"],
            row["rm"],
        )
        assert filing.corp_cls == recorded.WEB_LABEL_TO_CLS[row["corp_cls_label"]]
        assert re.fullmatch(r"\d{8}", filing.corp_code)
    samsung = next(f for f in filings if f.corp_name == "삼성전자")
    assert samsung.corp_code == "00126380"
    assert sum(f.rcept_no.startswith("20211231") for f in filings) > 20


def test_recorded_company_history_is_served_on_its_days() -> None:
    annual = next(f for f in filings_for_date(date(2021, 3, 16), SEED) if f.rcept_no == "20210316001195")
    assert annual[:9] == (
        "00139719",
        "와이지-원",
        "019210",
        "K",
        "사업보고서 (2020.12)",
        "20210316001195",
        "와이지-원",
        "20210316",
        "정연",
    )
    march = [f for d in range(1, 32) for f in filings_for_date(date(2021, 3, d), SEED) if f.corp_code == "00139719"]
    assert [f.rcept_no for f in march if f.report_nm == "사업보고서 (2020.12)"] == ["20210316001195"]  # no twin


def test_reports_behind_recorded_statements_are_listed_under_their_rcept_no() -> None:
    listed = {f.rcept_no: f for f in filings_for_date(date(2023, 11, 14), SEED)}
    assert listed["20231114002804"].report_nm == "분기보고서 (2023.09)"
    assert listed["20231114002804"].corp_code == "00139719"


def test_periodic_reports_arrive_in_season_and_can_be_found_for_financials() -> None:
    march = [
        f
        for d in range(1, 32)
        for f in filings_for_date(date(2025, 3, d), SEED)
        if f.report_nm == "사업보고서 (2024.12)"
    ]
    assert len(march) > 3_000  # one per listed company
    assert all(f.pblntf_ty == "A" and f.pblntf_detail_ty == "A001" for f in march)
    assert len({f.corp_code for f in march}) == len(march)
    company = march[0]
    found = dataset.find_periodic_filing(company.corp_code, 2024, "11011", SEED, None)
    assert found == company
    august = filings_for_date(date(2025, 8, 14), SEED)
    assert any(f.report_nm == "반기보고서 (2025.06)" for f in august)


@pytest.mark.parametrize("day", [ORDINARY_DAY, date(2025, 3, 31), recorded.WEB_LIST_DAY, date(2026, 3, 20), CHUSEOK])
@pytest.mark.parametrize("volume", [None, 3_000])
def test_one_company_s_filings_are_found_without_generating_the_day(day: date, volume: int | None) -> None:
    full = filings_for_date(day, SEED, volume)
    for corp_code in {f.corp_code for f in full[::5]} | {"00126380", "00139719"}:
        assert dataset.company_filings_for_date(day, SEED, volume, corp_code) == [
            f for f in full if f.corp_code == corp_code
        ]


def test_injected_filings_sort_above_the_day_and_match_the_query() -> None:
    day_top = filings_for_date(ORDINARY_DAY, SEED)[0].rcept_no
    injected = dataset.injected_filing(ORDINARY_DAY, SEED, 0, None, None)
    assert injected.rcept_no > day_top
    assert dataset.injected_filing(ORDINARY_DAY, SEED, 1, None, "Y").corp_cls == "Y"
    assert dataset.injected_filing(ORDINARY_DAY, SEED, 2, "00126380", None).corp_code == "00126380"
    assert dataset.injected_filing(ORDINARY_DAY, SEED, 3, None, "E").stock_code == ""


@pytest.mark.parametrize(
    ("title", "channel", "expected"),
    [
        ("사업보고서 (2024.12)", "0", ("A", "A001")),
        ("[기재정정]분기보고서 (2025.03)", "0", ("A", "A003")),
        ("주요사항보고서(유상증자결정)", "0", ("B", "B001")),
        ("주식등의대량보유상황보고서(일반)", "0", ("D", "D001")),
        ("임원ㆍ주요주주특정증권등소유상황보고서", "0", ("D", "D002")),
        ("연결감사보고서 (2024.12)", "0", ("F", "F002")),
        ("수시공시의무관련사항(공정공시)              ", "8", ("I", "I002")),
        ("단일판매ㆍ공급계약체결              ", "9", ("I", "I001")),
    ],
)
def test_titles_are_classified_into_disclosure_types(title: str, channel: str, expected: tuple[str, str]) -> None:
    assert dataset.classify(title, channel) == expected


def test_a_backfill_year_at_2000_filings_a_day_is_fast() -> None:
    import time

    start = time.perf_counter()
    total = sum(len(filings_for_date(date(2024, 1, 1) + timedelta(days=i), 7, 2_000)) for i in range(366))
    assert total > 240 * 2_000
    assert time.perf_counter() - start < 60  # measured: about 6 s
    assert filings_for_date.cache_info().currsize <= 128  # memory stays bounded


def test_filing_tuples_expose_the_nine_list_fields_in_api_order() -> None:
    assert dataset.LIST_FIELDS == (
        "corp_code",
        "corp_name",
        "stock_code",
        "corp_cls",
        "report_nm",
        "rcept_no",
        "flr_nm",
        "rcept_dt",
        "rm",
    )
    assert Filing._fields[9:] == ("pblntf_ty", "pblntf_detail_ty")
