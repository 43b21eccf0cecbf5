"""Loaders for the real OpenDART data bundled in `data/` (see data/README.md for provenance).

Everything here is read once per process and cached: the simulator serves these facts verbatim
where they exist and samples them (titles, companies, markets) to generate the rest.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import xml.etree.ElementTree as ET
import zlib
from collections import defaultdict
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

DATA_DIR = Path(__file__).parent / "data"

LIST_ROWS_CSV = "list_rows_2025-03-20_2026-03-20_110corps.csv"
WEB_LIST_CSV = "web_list_2022-01-03_full_day.csv"
WEB_LIST_DAY = date(2022, 1, 3)
WEB_LABEL_TO_CLS = {"유": "Y", "코": "K", "넥": "N", "기": "E"}
MARKET_TO_CLS = {"KOSPI": "Y", "KOSDAQ": "K", "KONEX": "N"}

# A periodic report title carries its period, e.g. "사업보고서 (2020.12)"; the generator makes
# its own per season, so recorded ones are not sampled as ordinary titles.
PERIODIC_TITLE = re.compile(r"(사업|반기|분기)보고서 \(\d{4}\.\d{2}\)")
EXCHANGE_CHANNELS = frozenset("689")


class Company(NamedTuple):
    corp_code: str
    corp_name: str
    stock_code: str  # "" when unlisted, as in list.json
    corp_cls: str  # Y / K / N / E


class Filing(NamedTuple):
    """A list.json item (the first nine fields, in the API's order) plus its disclosure type.

    Recorded rows carry the pblntf_ty they were collected under ("" when unknown) and no
    pblntf_detail_ty; the dataset classifies them before serving (dataset._filing).
    """

    corp_code: str
    corp_name: str
    stock_code: str
    corp_cls: str
    report_nm: str
    rcept_no: str
    flr_nm: str
    rcept_dt: str
    rm: str
    pblntf_ty: str
    pblntf_detail_ty: str = ""


class Title(NamedTuple):
    report_nm: str
    channel: str  # 9th digit of the rcept_no it was filed under
    listed: bool  # filed by a listed company


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def stable_fraction(*parts: object) -> float:
    """A reproducible number in [0, 1) for a key: Python's hash() is salted per process."""
    return zlib.crc32("\x1f".join(map(str, parts)).encode()) / 2**32


@lru_cache(maxsize=1)
def corp_list() -> tuple[tuple[str, str, str], ...]:
    """The full company list (corp_code, corp_name, stock_code) of 2026-06-21, 118,342 rows."""
    with gzip.open(DATA_DIR / "corp_codes_2026-06-21.csv.gz") as raw:
        reader = csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8-sig", newline=""))
        return tuple((r["corp_code"], r["corp_name"], r["stock_code"].strip()) for r in reader)


@lru_cache(maxsize=1)
def listed_corpcode_entries() -> dict[str, dict[str, str]]:
    """corp_code -> the five CORPCODE.xml fields of the recorded listed-company file."""
    root = ET.parse(DATA_DIR / "CORPCODE_listed_2025-07-25.xml").getroot()
    entries = {}
    for item in root.iter("list"):
        fields = {child.tag: (child.text or "") for child in item}
        entries[fields["corp_code"]] = fields
    return entries


@lru_cache(maxsize=1)
def list_rows() -> tuple[Filing, ...]:
    """The 5,307 recorded rows of 110 companies, report_nm exactly as served (trailing spaces)."""
    return tuple(Filing(**row) for row in _read_csv(LIST_ROWS_CSV))


@lru_cache(maxsize=1)
def samsung_list_rows() -> tuple[Filing, ...]:
    data = json.loads((DATA_DIR / "responses/disclosure/testdata/list_samsung.json").read_text("utf-8"))
    return tuple(Filing(**item, pblntf_ty="") for item in data["list"])


@lru_cache(maxsize=1)
def corp_00139719_rows() -> tuple[Filing, ...]:
    rows = []
    for path in sorted((DATA_DIR / "list_00139719").glob("list_00139719_*.json")):
        rows.extend(json.loads(path.read_text("utf-8")).get("list", []))
    return tuple(Filing(**item, pblntf_ty="") for item in rows)


@lru_cache(maxsize=1)
def _names_to_codes() -> dict[str, list[tuple[str, str]]]:
    by_name: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for code, name, stock in corp_list():
        by_name[name].append((code, stock))
    return by_name


def _web_company(name: str, label: str) -> tuple[str, str]:
    """(corp_code, stock_code) for a website row, which names the company but not its code.

    Unique names map directly; for duplicate or unknown names a deterministic choice keeps the
    listed/unlisted status of the website label, since names are not keys (opendart-api.md §6.9).
    """
    listed = label in ("유", "코", "넥")
    candidates = _names_to_codes().get(name, [])
    if len(candidates) > 1:
        fitting = [c for c in candidates if bool(c[1]) == listed] or candidates
        candidates = [fitting[int(stable_fraction("web", name) * len(fitting))]]
    if not candidates:
        pool = listed_companies() if listed else unlisted_companies()
        pick = pool[int(stable_fraction("web", name) * len(pool))]
        candidates = [(pick.corp_code, pick.stock_code)]
    code, stock = candidates[0]
    return code, stock if listed else ""


@lru_cache(maxsize=1)
def web_list_rows() -> tuple[Filing, ...]:
    """The DART website's full list of 2022-01-03, as list.json would serve it that day.

    Every row is listed under 2022-01-03 (the website's day), so the 33 filings whose rcept_no
    is dated earlier keep that real quirk (opendart-api.md §6.4).
    """
    rows = []
    for row in _read_csv(WEB_LIST_CSV):
        code, stock = _web_company(row["corp_name"], row["corp_cls_label"])
        rows.append(
            Filing(
                corp_code=code,
                corp_name=row["corp_name"],
                stock_code=stock,
                corp_cls=WEB_LABEL_TO_CLS[row["corp_cls_label"]],
                report_nm=row["report_nm"],
                rcept_no=row["rcept_no"],
                flr_nm=row["flr_nm"],
                rcept_dt=WEB_LIST_DAY.strftime("%Y%m%d"),
                rm=row["rm"],
                pblntf_ty="",
            )
        )
    return tuple(rows)


PERIODIC_TITLES = {
    "11011": "사업보고서 ({year}.12)",
    "11012": "반기보고서 ({year}.06)",
    "11013": "분기보고서 ({year}.03)",
    "11014": "분기보고서 ({year}.09)",
}


@lru_cache(maxsize=1)
def statement_filing_rows() -> tuple[Filing, ...]:
    """The periodic reports behind the recorded statements, so their rcept_no is listed.

    The recorded list of 와이지-원 holds its annual reports only; its quarterly and half-year
    reports are known from the statements' rcept_no, filed under DART's usual title and rm.
    """
    rows = []
    for path in sorted((DATA_DIR / "financials").glob("*_CFS.csv")):
        corp_code, year, reprt_code, _ = path.stem.split("_")
        first = _read_csv(str(path.relative_to(DATA_DIR)))[0]
        company = company_by_code()[corp_code]
        rcept_no = first["rcept_no"]
        rows.append(
            Filing(
                corp_code=corp_code,
                corp_name=company.corp_name,
                stock_code=company.stock_code,
                corp_cls=company.corp_cls,
                report_nm=PERIODIC_TITLES[reprt_code].format(year=year),
                rcept_no=rcept_no,
                flr_nm=company.corp_name,
                rcept_dt=rcept_no[:8],
                rm="연",
                pblntf_ty="A",
            )
        )
    return tuple(rows)


@lru_cache(maxsize=1)
def real_rows_by_day() -> dict[date, tuple[Filing, ...]]:
    """All recorded list.json rows grouped by rcept_dt, each rcept_no once (first source wins)."""
    seen: set[str] = set()
    by_day: dict[date, list[Filing]] = defaultdict(list)
    sources = (list_rows(), corp_00139719_rows(), samsung_list_rows(), web_list_rows(), statement_filing_rows())
    for source in sources:
        for row in source:
            if row.rcept_no in seen:
                continue
            seen.add(row.rcept_no)
            dt = row.rcept_dt
            by_day[date(int(dt[:4]), int(dt[4:6]), int(dt[6:8]))].append(row)
    return {day: tuple(rows) for day, rows in by_day.items()}


@lru_cache(maxsize=1)
def real_rcept_nos() -> frozenset[str]:
    return frozenset(row.rcept_no for rows in real_rows_by_day().values() for row in rows)


@lru_cache(maxsize=1)
def known_markets() -> dict[str, str]:
    """corp_code -> corp_cls where a recorded source states the market."""
    markets: dict[str, str] = {}
    by_stock = {stock: code for code, _, stock in corp_list() if stock}
    for event in gongsi_events():
        code = by_stock.get(event.get("stock", ""))
        if code and event.get("market") in MARKET_TO_CLS:
            markets[code] = MARKET_TO_CLS[event["market"]]
    for row in (*list_rows(), *corp_00139719_rows(), *samsung_list_rows()):
        markets[row.corp_code] = row.corp_cls
    return markets


def _market_of(corp_code: str) -> str:
    """The recorded market, else a stable draw in roughly the real KOSPI/KOSDAQ/KONEX shares."""
    known = known_markets().get(corp_code)
    if known:
        return known
    u = stable_fraction("market", corp_code)
    return "Y" if u < 0.32 else "K" if u < 0.96 else "N"


@lru_cache(maxsize=1)
def listed_companies() -> tuple[Company, ...]:
    return tuple(Company(code, name, stock, _market_of(code)) for code, name, stock in corp_list() if stock)


@lru_cache(maxsize=1)
def unlisted_companies() -> tuple[Company, ...]:
    return tuple(Company(code, name, "", "E") for code, name, stock in corp_list() if not stock)


@lru_cache(maxsize=1)
def company_by_code() -> dict[str, Company]:
    return {c.corp_code: c for c in (*listed_companies(), *unlisted_companies())}


@lru_cache(maxsize=1)
def gongsi_events() -> tuple[dict[str, str], ...]:
    return tuple(json.loads((DATA_DIR / "gongsi_calendar_union.json").read_text("utf-8"))["events"])


@lru_cache(maxsize=1)
def titles() -> tuple[Title, ...]:
    """Every recorded title with its channel, periodic-report titles left out."""
    found = [Title(r.report_nm, r.rcept_no[8], r.corp_cls != "E") for r in (*list_rows(), *web_list_rows())]
    found += [Title(r["report_nm"], r["rcept_no"][8], True) for r in _read_csv("dartnotice_titles.csv")]
    found += [Title(e["title"], e["rcept_no"][8], True) for e in gongsi_events()]
    return tuple(t for t in found if not PERIODIC_TITLE.search(t.report_nm))


@lru_cache(maxsize=1)
def samsung_company() -> dict[str, str]:
    return json.loads((DATA_DIR / "responses/disclosure/testdata/company_samsung.json").read_text("utf-8"))


def financial_statement_rows(corp_code: str, bsns_year: str, reprt_code: str) -> list[dict[str, str]] | None:
    """The recorded fnlttSinglAcntAll CFS rows of a report, or None when not recorded."""
    path = DATA_DIR / "financials" / f"{corp_code}_{bsns_year}_{reprt_code}_CFS.csv"
    if not path.is_file():
        return None
    return _read_csv(str(path.relative_to(DATA_DIR)))
