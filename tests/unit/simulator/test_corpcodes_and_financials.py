"""CORPCODE.xml contents, company.json and the key-account financial endpoints."""

from __future__ import annotations

import io
import zipfile
from datetime import date
from xml.etree import ElementTree as ET

import pytest

from simulators import corpcodes, dataset, financials, recorded
from simulators.protocol import ApiError

SEED = 42
ANNUAL_FIELDS = [
    "rcept_no", "bsns_year", "corp_code", "stock_code", "reprt_code", "account_nm", "fs_div", "fs_nm", "sj_div",
    "sj_nm", "thstrm_nm", "thstrm_dt", "thstrm_amount", "frmtrm_nm", "frmtrm_dt", "frmtrm_amount",
    "bfefrmtrm_nm", "bfefrmtrm_dt", "bfefrmtrm_amount", "ord", "currency",
]  # fmt: skip
QUARTER_IS_FIELDS = [
    "rcept_no", "bsns_year", "corp_code", "stock_code", "reprt_code", "account_nm", "fs_div", "fs_nm", "sj_div",
    "sj_nm", "thstrm_nm", "thstrm_dt", "thstrm_amount", "thstrm_add_amount", "frmtrm_nm", "frmtrm_dt",
    "frmtrm_amount",
    "frmtrm_add_amount", "ord", "currency",
]  # fmt: skip


def test_romanization_and_english_names_are_plausible() -> None:
    assert corpcodes.romanize("삼성전자") == "samseongjeonja"
    assert corpcodes.romanize("SK하이닉스") == "SKhainikseu"
    name = corpcodes.english_name("다코")
    assert name in ("", "Dako Co., Ltd.")


def test_corpcode_zip_holds_every_company_with_recorded_listed_entries() -> None:
    archive = zipfile.ZipFile(io.BytesIO(corpcodes.corpcode_zip()))
    assert archive.namelist() == ["CORPCODE.xml"]
    root = ET.fromstring(archive.read("CORPCODE.xml"))
    entries = {e.findtext("corp_code"): {c.tag: c.text or "" for c in e} for e in root.iter("list")}
    assert len(entries) == 118_342
    assert entries["00260985"] == {  # recorded listed entry, unchanged
        "corp_code": "00260985", "corp_name": "한빛네트", "corp_eng_name": "HanbitNet, Inc.",
        "stock_code": "036720", "modify_date": "20170630",
    }  # fmt: skip
    unlisted = entries["00434003"]
    assert unlisted["stock_code"] == " "
    assert len(unlisted["modify_date"]) == 8 and "20170630" <= unlisted["modify_date"] <= "20260619"
    assert corpcodes.corrupt_zip().startswith(b"PK")
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(io.BytesIO(corpcodes.corrupt_zip()))


def test_company_json_is_the_recorded_samsung_response_and_plausible_elsewhere() -> None:
    assert financials.company({"corp_code": "00126380"})["ceo_nm"] == "전영현, 노태문"
    generated = financials.company({"corp_code": "00139719"})
    assert generated == financials.company({"corp_code": "00139719"})
    assert (generated["stock_code"], generated["corp_cls"], generated["stock_name"]) == ("019210", "K", "와이지-원")
    assert len(str(generated["est_dt"])) == 8 and generated["acc_mt"] == "12"
    for params, status in (({"corp_code": "99999999"}, "013"), ({"corp_code": "1"}, "100"), ({}, "100")):
        with pytest.raises(ApiError) as raised:
            financials.company(params)
        assert raised.value.status == status


def test_recorded_statements_give_real_comma_grouped_key_accounts() -> None:
    payload = financials.single_accounts(
        {"corp_code": "00139719", "bsns_year": "2023", "reprt_code": "11014"}, SEED, None
    )
    items = payload["list"]
    assert len(items) == 26  # 13 accounts, consolidated and separate, as Samsung's real answer
    current_assets = next(i for i in items if i["fs_div"] == "CFS" and i["account_nm"] == "유동자산")
    assert current_assets["thstrm_amount"] == "566,187,400,047"
    assert current_assets["thstrm_dt"] == "2023.09.30 현재"
    assert current_assets["rcept_no"] == "20231114002804"
    revenue = next(i for i in items if i["fs_div"] == "CFS" and i["account_nm"] == "매출액")
    assert list(revenue) == QUARTER_IS_FIELDS
    assert (revenue["thstrm_amount"], revenue["thstrm_add_amount"]) == ("148,978,484,669", "421,866,715,776")


def test_generated_statements_join_to_the_listed_periodic_report() -> None:
    day = date(2025, 3, 31)
    annual = next(f for f in dataset.filings_for_date(day, SEED) if f.report_nm == "사업보고서 (2024.12)")
    payload = financials.multi_accounts(
        {"corp_code": f"{annual.corp_code},00139719", "bsns_year": "2024", "reprt_code": "11011"}, SEED, None
    )
    mine = [i for i in payload["list"] if i["corp_code"] == annual.corp_code]
    assert len(mine) == 26 and {i["rcept_no"] for i in mine} == {annual.rcept_no}
    assert all(list(i) == ANNUAL_FIELDS for i in mine)
    bs = next(i for i in mine if i["account_nm"] == "자산총계")
    assert bs["thstrm_dt"] == "2024.12.31 현재" and bs["thstrm_amount"].replace(",", "").lstrip("-").isdigit()
    assert "," in bs["thstrm_amount"]


def test_financial_request_limits_and_empty_results() -> None:
    many = ",".join(c.corp_code for c in recorded.listed_companies()[:101])
    with pytest.raises(ApiError) as raised:
        financials.multi_accounts({"corp_code": many, "bsns_year": "2024", "reprt_code": "11011"}, SEED, None)
    assert (raised.value.status, raised.value.message) == ("021", "조회 가능한 회사 개수가 초과하였습니다.(최대 100건)")
    unlisted = recorded.unlisted_companies()[0].corp_code
    for params, status in (
        ({"corp_code": unlisted, "bsns_year": "2024", "reprt_code": "11011"}, "013"),
        ({"corp_code": "00139719", "bsns_year": "2014", "reprt_code": "11011"}, "013"),
        ({"corp_code": "00139719", "bsns_year": "2024", "reprt_code": "11010"}, "100"),
    ):
        with pytest.raises(ApiError) as raised:
            financials.single_accounts(params, SEED, None)
        assert raised.value.status == status


def test_full_statements_are_the_recorded_rows_verbatim() -> None:
    payload = financials.all_accounts(
        {"corp_code": "00139719", "bsns_year": "2021", "reprt_code": "11011", "fs_div": "CFS"}
    )
    rows = payload["list"]
    assert rows == recorded.financial_statement_rows("00139719", "2021", "11011")
    assert all("," not in r["thstrm_amount"] for r in rows)
    with pytest.raises(ApiError) as raised:
        financials.all_accounts({"corp_code": "00139719", "bsns_year": "2021", "reprt_code": "11011", "fs_div": "OFS"})
    assert raised.value.status == "013"
