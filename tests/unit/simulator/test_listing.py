"""list.json parameter rules: the 3-calendar-month window, formats, limits, sorting and paging."""

from __future__ import annotations

from datetime import date

import pytest

from simulators.dataset import Filing
from simulators.listing import THREE_MONTH_MESSAGE, page_payload, parse_query, select
from simulators.protocol import STATUS_MESSAGES, ApiError

TODAY = date(2026, 6, 30)


def _status(params: dict[str, str]) -> str:
    try:
        parse_query(params, TODAY)
    except ApiError as error:
        return error.status
    return "000"


def test_three_calendar_months_without_corp_code_and_no_more() -> None:
    assert _status({"bgn_de": "20260206", "end_de": "20260506"}) == "000"  # measured on DART
    with pytest.raises(ApiError) as raised:
        parse_query({"bgn_de": "20260206", "end_de": "20260507"}, TODAY)
    assert (raised.value.status, raised.value.message) == ("100", THREE_MONTH_MESSAGE)
    assert _status({"corp_code": "00126380", "bgn_de": "20160101", "end_de": "20260507"}) == "000"


@pytest.mark.parametrize(
    "params",
    [
        {"bgn_de": "2026-05-01"},
        {"end_de": "20260231"},
        {"bgn_de": "20260502", "end_de": "20260501"},
        {"corp_code": "126380"},
        {"page_count": "101"},
        {"page_count": "0"},
        {"page_no": "x"},
        {"corp_cls": "YK"},
        {"pblntf_ty": "Z"},
        {"pblntf_detail_ty": "A1"},
        {"last_reprt_at": "yes"},
        {"sort": "name"},
        {"sort_mth": "up"},
    ],
)
def test_malformed_parameters_get_status_100_with_the_official_message(params: dict[str, str]) -> None:
    with pytest.raises(ApiError) as raised:
        parse_query(params, TODAY)
    assert raised.value.status == "100"
    assert raised.value.message == STATUS_MESSAGES["100"]


def test_defaults_are_today_ten_rows_page_one_newest_first() -> None:
    query, page_no, page_count = parse_query({}, TODAY)
    assert (query.bgn, query.end, page_no, page_count) == (TODAY, TODAY, 1, 10)
    assert (query.sort, query.descending, query.last_reprt_at) == ("date", True, False)


def _filing(rcept_no: str, corp_name: str, rm: str = "") -> Filing:
    return Filing("00000001", corp_name, "", "E", "보고서", rcept_no, corp_name, rcept_no[:8], rm, "E", "E009")


DAYS = {
    date(2026, 6, 2): (_filing("20260602000002", "가", "정"), _filing("20260602000001", "다")),
    date(2026, 6, 1): (_filing("20260601000001", "나"),),
}


def test_select_sorts_by_date_then_rcept_no_and_honours_sort_options() -> None:
    def days(day: date, corp_code: str | None) -> tuple[Filing, ...]:
        return DAYS.get(day, ())

    query, _, _ = parse_query({"bgn_de": "20260601", "end_de": "20260602"}, TODAY)
    assert [f.rcept_no[-1] + f.rcept_dt[-1] for f in select(query, days, TODAY)] == ["22", "12", "11"]
    query, _, _ = parse_query({"bgn_de": "20260601", "end_de": "20260602", "sort_mth": "asc"}, TODAY)
    assert [f.rcept_no for f in select(query, days, TODAY)] == ["20260601000001", "20260602000001", "20260602000002"]
    query, _, _ = parse_query({"bgn_de": "20260601", "end_de": "20260602", "sort": "crp", "sort_mth": "asc"}, TODAY)
    assert [f.corp_name for f in select(query, days, TODAY)] == ["가", "나", "다"]
    query, _, _ = parse_query({"bgn_de": "20260601", "end_de": "20260602", "last_reprt_at": "Y"}, TODAY)
    assert "정" not in {f.rm for f in select(query, days, TODAY)}
    query, _, _ = parse_query({"bgn_de": "20260601", "end_de": "20260602"}, date(2026, 6, 1))
    assert [f.rcept_dt for f in select(query, days, date(2026, 6, 1))] == ["20260601"]  # no future filings


def test_page_payload_has_numeric_paging_fields_and_013_when_empty() -> None:
    rows = [_filing(f"2026060200000{i}", "가") for i in range(5)]
    payload = page_payload(rows, 2, 2)
    assert {k: payload[k] for k in ("status", "page_no", "page_count", "total_count", "total_page")} == {
        "status": "000",
        "page_no": 2,
        "page_count": 2,
        "total_count": 5,
        "total_page": 3,
    }
    assert [item["rcept_no"] for item in payload["list"]] == ["20260602000002", "20260602000003"]  # type: ignore[index]
    assert list(payload["list"][0]) == [
        "corp_code",
        "corp_name",
        "stock_code",
        "corp_cls",
        "report_nm",
        "rcept_no",
        "flr_nm",
        "rcept_dt",
        "rm",
    ]  # type: ignore[index]
    with pytest.raises(ApiError) as raised:
        page_payload([], 1, 10)
    assert (raised.value.status, raised.value.message) == ("013", "조회된 데이타가 없습니다.")
