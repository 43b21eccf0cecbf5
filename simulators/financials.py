"""company.json and the DS003 financial endpoints (fnlttSinglAcnt, fnlttMultiAcnt, fnlttSinglAcntAll).

Real where recorded (Samsung's company.json, 와이지-원's CFS statements 2016-2025), deterministic
and plausible elsewhere: a company's figures follow from its corp_code, so repeated calls and
different endpoints agree. A statement's rcept_no is the one of the periodic report the simulator
lists, so financial rows join to list.json as they do on DART.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import NamedTuple

from simulators import dataset, recorded
from simulators.clock import seoul_today
from simulators.corpcodes import english_name, romanize
from simulators.protocol import ApiError, ok
from simulators.recorded import Company, stable_fraction

MAX_COMPANIES = 100
FIRST_YEAR = 2015  # DS003 data starts with business year 2015
QUARTER_OF_REPRT = {"11013": 1, "11012": 2, "11014": 3, "11011": 4}
FS_NAMES = {"CFS": "연결재무제표", "OFS": "재무제표"}
SJ_NAMES = {"BS": "재무상태표", "IS": "손익계산서"}
_CITIES = (
    "서울특별시 강남구 테헤란로",
    "서울특별시 영등포구 여의대로",
    "경기도 성남시 분당구 판교역로",
    "부산광역시 해운대구 센텀중앙로",
    "인천광역시 연수구 송도과학로",
    "대전광역시 유성구 대덕대로",
)


class Account(NamedTuple):
    sj_div: str
    account_nm: str
    account_id: str  # the XBRL id in fnlttSinglAcntAll, to pick the real value
    share: float  # of total assets (BS) or of annual revenue (IS), for generated figures


KEY_ACCOUNTS = (
    Account("BS", "유동자산", "ifrs-full_CurrentAssets", 0.45),
    Account("BS", "비유동자산", "ifrs-full_NoncurrentAssets", 0.55),
    Account("BS", "자산총계", "ifrs-full_Assets", 1.0),
    Account("BS", "유동부채", "ifrs-full_CurrentLiabilities", 0.28),
    Account("BS", "비유동부채", "ifrs-full_NoncurrentLiabilities", 0.14),
    Account("BS", "부채총계", "ifrs-full_Liabilities", 0.42),
    Account("BS", "자본금", "ifrs-full_IssuedCapital", 0.04),
    Account("BS", "이익잉여금", "ifrs-full_RetainedEarnings", 0.38),
    Account("BS", "자본총계", "ifrs-full_Equity", 0.58),
    Account("IS", "매출액", "ifrs-full_Revenue", 1.0),
    Account("IS", "영업이익", "dart_OperatingIncomeLoss", 0.08),
    Account("IS", "법인세차감전 순이익", "ifrs-full_ProfitLossBeforeTax", 0.075),
    Account("IS", "당기순이익", "ifrs-full_ProfitLoss", 0.058),
)
_QUARTER_WEIGHTS = (0.96, 1.0, 1.01, 1.03)  # revenue per quarter, summing to 4


def amount(value: int | None) -> str:
    """DART's comma-grouped amount strings; "" where the report has no figure."""
    return "" if value is None else f"{value:,}"


# ---------------------------------------------------------------- company.json


def establishment(corp_code: str) -> date:
    u = stable_fraction("est", corp_code)
    return date(1950 + int(u * 65), 1 + int(u * 997) % 12, 1 + int(u * 7919) % 28)


def _digits(corp_code: str, label: str, n: int) -> str:
    return f"{int(stable_fraction(label, corp_code) * 10**n):0{n}d}"


def company(params: Mapping[str, str]) -> dict[str, object]:
    corp_code = params.get("corp_code", "")
    if not re.fullmatch(r"\d{8}", corp_code):
        raise ApiError("100")
    samsung = recorded.samsung_company()
    if corp_code == samsung["corp_code"]:
        return dict(samsung)
    found = recorded.company_by_code().get(corp_code)
    if found is None:
        raise ApiError("013")
    u = stable_fraction("company", corp_code)
    roman = romanize(found.corp_name).lower()
    return ok(
        corp_code=corp_code,
        corp_name=f"{found.corp_name}(주)" if found.stock_code else found.corp_name,
        corp_name_eng=english_name(found.corp_name),
        stock_name=found.corp_name,
        stock_code=found.stock_code,
        ceo_nm=dataset.SURNAMES[int(u * 19)] + dataset.GIVEN[int(u * 1237) % 12],
        corp_cls=found.corp_cls,
        jurir_no=_digits(corp_code, "jurir", 13),
        bizr_no=_digits(corp_code, "bizr", 10),
        adres=f"{_CITIES[int(u * 6)]} {1 + int(u * 4099) % 500}",
        hm_url=f"www.{re.sub(r'[^a-z0-9]', '', roman)}.co.kr" if found.stock_code else "",
        ir_url="",
        phn_no=f"02-{_digits(corp_code, 'phone', 4)}-{_digits(corp_code, 'phone2', 4)}",
        fax_no=f"02-{_digits(corp_code, 'fax', 4)}-{_digits(corp_code, 'fax2', 4)}",
        induty_code=str(100 + int(u * 7001) % 900),
        est_dt=establishment(corp_code).strftime("%Y%m%d"),
        acc_mt="12",
    )


# ---------------------------------------------------------------- key accounts


def _parse_request(params: Mapping[str, str]) -> tuple[list[str], int, str]:
    codes = [c.strip() for c in params.get("corp_code", "").split(",") if c.strip()]
    if not codes or not all(re.fullmatch(r"\d{8}", c) for c in codes):
        raise ApiError("100")
    year, reprt_code = params.get("bsns_year", ""), params.get("reprt_code", "")
    if not re.fullmatch(r"\d{4}", year) or reprt_code not in QUARTER_OF_REPRT:
        raise ApiError("100")
    return codes, int(year), reprt_code


def _filed(corp_code: str, year: int, reprt_code: str, seed: int, daily_volume: int | None) -> tuple[str, date]:
    """(rcept_no, filing day) of the periodic report behind the statements."""
    filing = dataset.find_periodic_filing(corp_code, year, reprt_code, seed, daily_volume)
    if filing is not None:
        day = date(int(filing.rcept_dt[:4]), int(filing.rcept_dt[4:6]), int(filing.rcept_dt[6:]))
        return filing.rcept_no, day
    month, season = dataset.SEASON_OF_REPRT[reprt_code]
    day = date(year - season.year_offset, month, season.deadline_day)
    # Without a listed filing (daily_volume cut it), a stable number in a range the listing never uses.
    return f"{day:%Y%m%d}0{90_000 + int(stable_fraction('rcept', corp_code) * 9_999):05d}", day


def _generated(corp_code: str, fs_div: str, year: int, account: Account) -> int:
    """An annual figure (year-end balance or full-year flow) that grows smoothly year to year."""
    scale = 10 ** (10 + 3 * stable_fraction("size", corp_code))
    growth = 1 + (stable_fraction("growth", corp_code) - 0.3) * 0.2
    noise = 1 + (stable_fraction("noise", corp_code, year, account.account_id) - 0.5) * 0.1
    base = scale * growth ** (year - FIRST_YEAR) * (0.85 if fs_div == "OFS" else 1.0)
    if account.sj_div == "IS":
        margin = 1.0 if account.account_nm == "매출액" else (stable_fraction("margin", corp_code) - 0.25) * 2
        return int(base * 0.9 * account.share * margin * noise)
    return int(base * account.share * noise)


def _quarter_flow(annual: int, quarter: int) -> tuple[int, int]:
    """(3-month, cumulative) figures of an income-statement account for quarter 1..3."""
    parts = [int(annual / 4 * w) for w in _QUARTER_WEIGHTS]
    return parts[quarter - 1], sum(parts[:quarter])


def _period_names(number: int, year: int, quarter: int, sj_div: str) -> dict[str, str]:
    if quarter == 4:
        names = {}
        for prefix, offset in (("thstrm", 0), ("frmtrm", 1), ("bfefrmtrm", 2)):
            y = year - offset
            names[f"{prefix}_nm"] = f"제 {number - offset} 기"
            names[f"{prefix}_dt"] = f"{y}.12.31 현재" if sj_div == "BS" else f"{y}.01.01 ~ {y}.12.31"
        return names
    label = "반기" if quarter == 2 else f"{quarter}분기"
    end = ("03.31", "06.30", "09.30")[quarter - 1]
    start = ("01.01", "04.01", "07.01")[quarter - 1]
    if sj_div == "BS":
        return {
            "thstrm_nm": f"제 {number} 기 {label}말",
            "thstrm_dt": f"{year}.{end} 현재",
            "frmtrm_nm": f"제 {number - 1} 기말",
            "frmtrm_dt": f"{year - 1}.12.31 현재",
        }
    return {
        "thstrm_nm": f"제 {number} 기 {label}",
        "thstrm_dt": f"{year}.{start} ~ {year}.{end}",
        "frmtrm_nm": f"제 {number - 1} 기 {label}",
        "frmtrm_dt": f"{year - 1}.{start} ~ {year - 1}.{end}",
    }


def _generated_amounts(corp_code: str, fs_div: str, year: int, quarter: int, account: Account) -> dict[str, int | None]:
    def annual(y: int) -> int:
        return _generated(corp_code, fs_div, y, account)

    if quarter == 4:
        return {f"{p}_amount": annual(year - o) for p, o in (("thstrm", 0), ("frmtrm", 1), ("bfefrmtrm", 2))}
    if account.sj_div == "BS":
        start, end = annual(year - 1), annual(year)
        return {"thstrm_amount": start + (end - start) * quarter // 4, "frmtrm_amount": start}
    this, this_cum = _quarter_flow(annual(year), quarter)
    last, last_cum = _quarter_flow(annual(year - 1), quarter)
    return {"thstrm_amount": this, "thstrm_add_amount": this_cum, "frmtrm_amount": last, "frmtrm_add_amount": last_cum}


def _recorded_amounts(rows: list[dict[str, str]], quarter: int, account: Account) -> dict[str, int | None] | None:
    """Key-account figures of a recorded fnlttSinglAcntAll statement (plain digits there)."""
    wanted = ("BS",) if account.sj_div == "BS" else ("IS", "CIS")
    for row in rows:
        if row["sj_div"] in wanted and row["account_id"] == account.account_id and row["account_detail"] == "-":
            break
    else:
        return None

    def value(name: str) -> int | None:
        text = (row.get(name) or "").strip()
        return int(text) if text else None

    if quarter == 4:
        return {f"{p}_amount": value(f"{p}_amount") for p in ("thstrm", "frmtrm", "bfefrmtrm")}
    if account.sj_div == "BS":
        return {"thstrm_amount": value("thstrm_amount"), "frmtrm_amount": value("frmtrm_amount")}
    return {
        "thstrm_amount": value("thstrm_amount"),
        "thstrm_add_amount": value("thstrm_add_amount"),
        "frmtrm_amount": value("frmtrm_q_amount"),
        "frmtrm_add_amount": value("frmtrm_add_amount"),
    }


def _amounts(
    corp_code: str, real: list[dict[str, str]] | None, fs_div: str, year: int, quarter: int, account: Account
) -> dict[str, int | None]:
    """Recorded figures where they exist; the separate (OFS) statements of a recorded company are
    its consolidated figures scaled down, so both stay in proportion."""
    recorded_values = _recorded_amounts(real, quarter, account) if real else None
    if recorded_values is None:
        return _generated_amounts(corp_code, fs_div, year, quarter, account)
    if fs_div == "OFS":
        return {k: None if v is None else int(v * 0.85) for k, v in recorded_values.items()}
    return recorded_values


def _company_items(
    found: Company, year: int, reprt_code: str, seed: int, daily_volume: int | None, today: date
) -> list[dict[str, str]]:
    if year < FIRST_YEAR or not found.stock_code:
        return []
    quarter = QUARTER_OF_REPRT[reprt_code]
    real = recorded.financial_statement_rows(found.corp_code, str(year), reprt_code)
    if real:
        rcept_no = real[0]["rcept_no"]
        number = int(re.search(r"\d+", real[0]["thstrm_nm"]).group())  # type: ignore[union-attr]
    else:
        filed = _filed(found.corp_code, year, reprt_code, seed, daily_volume)
        if filed[1] > today:
            return []
        rcept_no = filed[0]
        number = year - establishment(found.corp_code).year + 1
    items = []
    for fs_div in ("CFS", "OFS"):
        for ord_no, account in enumerate(KEY_ACCOUNTS, start=1):
            amounts = _amounts(found.corp_code, real, fs_div, year, quarter, account)
            names = _period_names(number, year, quarter, account.sj_div)
            item = {
                "rcept_no": rcept_no,
                "bsns_year": str(year),
                "corp_code": found.corp_code,
                "stock_code": found.stock_code,
                "reprt_code": reprt_code,
                "account_nm": account.account_nm,
                "fs_div": fs_div,
                "fs_nm": FS_NAMES[fs_div],
                "sj_div": account.sj_div,
                "sj_nm": SJ_NAMES[account.sj_div],
            }
            for prefix in ("thstrm", "frmtrm", "bfefrmtrm"):
                if f"{prefix}_nm" not in names:
                    continue
                item[f"{prefix}_nm"] = names[f"{prefix}_nm"]
                item[f"{prefix}_dt"] = names[f"{prefix}_dt"]
                item[f"{prefix}_amount"] = amount(amounts[f"{prefix}_amount"])
                if f"{prefix}_add_amount" in amounts:
                    item[f"{prefix}_add_amount"] = amount(amounts[f"{prefix}_add_amount"])
            item["ord"] = str(ord_no * 2 - 1)
            item["currency"] = "KRW"
            items.append(item)
    return items


def _accounts(codes: list[str], year: int, reprt_code: str, seed: int, daily_volume: int | None) -> dict[str, object]:
    today = seoul_today()
    items = []
    for code in codes:
        found = recorded.company_by_code().get(code)
        if found is not None:
            items.extend(_company_items(found, year, reprt_code, seed, daily_volume, today))
    if not items:
        raise ApiError("013")
    return ok(list=items)


def single_accounts(params: Mapping[str, str], seed: int, daily_volume: int | None) -> dict[str, object]:
    codes, year, reprt_code = _parse_request(params)
    if len(codes) != 1:
        raise ApiError("100")
    return _accounts(codes, year, reprt_code, seed, daily_volume)


def multi_accounts(params: Mapping[str, str], seed: int, daily_volume: int | None) -> dict[str, object]:
    codes, year, reprt_code = _parse_request(params)
    if len(codes) > MAX_COMPANIES:
        raise ApiError("021")
    return _accounts(codes, year, reprt_code, seed, daily_volume)


def all_accounts(params: Mapping[str, str]) -> dict[str, object]:
    """fnlttSinglAcntAll: the recorded statements verbatim (plain digit amounts), 013 elsewhere."""
    codes, year, reprt_code = _parse_request(params)
    fs_div = params.get("fs_div", "")
    if len(codes) != 1 or fs_div not in FS_NAMES:
        raise ApiError("100")
    rows = recorded.financial_statement_rows(codes[0], str(year), reprt_code) if fs_div == "CFS" else None
    if not rows:
        raise ApiError("013")
    return ok(list=rows)
