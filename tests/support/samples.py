"""Recorded real OpenDART rows loaded straight into dart_raw, for the dbt tests and benchmarks.

The ingestion assets are the production path into dart_raw; this exists so that the transform
layer can be tested and measured on real titles without the DART client or the simulator.
"""

from __future__ import annotations

import csv
import gzip
import json
import zlib
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from functools import lru_cache

import sqlalchemy as sa

from simulators.recorded import DATA_DIR

LIST_ROWS_CSV = DATA_DIR / "list_rows_2025-03-20_2026-03-20_110corps.csv"
WEB_LIST_CSV = DATA_DIR / "web_list_2022-01-03_full_day.csv"
FINANCIALS_DIR = DATA_DIR / "financials"

# The website's market labels, as corp_cls.
_WEB_CLS = {"유": "Y", "코": "K", "넥": "N", "기": "E"}
_KEY_ACCOUNTS = {
    "매출액",
    "수익(매출액)",
    "영업이익",
    "영업이익(손실)",
    "당기순이익",
    "당기순이익(손실)",
    "자산총계",
    "부채총계",
    "자본총계",
}
_DISCLOSURE_COLUMNS = (
    "rcept_no",
    "corp_code",
    "corp_name",
    "stock_code",
    "corp_cls",
    "report_nm",
    "flr_nm",
    "rcept_dt",
    "rm",
)


def _stock_code(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def list_rows() -> list[dict]:
    """The 5,307 list.json rows of 110 large caps (2025-03-20..2026-03-20), titles untouched, with
    the DART category (pblntf_ty) they were collected under."""
    with LIST_ROWS_CSV.open(encoding="utf-8", newline="") as f:
        return [
            {
                **{k: row[k] for k in _DISCLOSURE_COLUMNS},
                "stock_code": _stock_code(row["stock_code"]),
                "rcept_dt": datetime.strptime(row["rcept_dt"], "%Y%m%d").date(),
                # the category the collector listed it under: DART's own, as the ingestion stores it
                "pblntf_ty": row["pblntf_ty"] or None,
            }
            for row in csv.DictReader(f)
        ]


@lru_cache(maxsize=1)
def _corp_codes_by_name() -> dict[str, tuple[str, str | None]]:
    with gzip.open(DATA_DIR / "corp_codes_2026-06-21.csv.gz", "rt", encoding="utf-8-sig") as f:
        return {r["corp_name"]: (r["corp_code"], _stock_code(r["stock_code"])) for r in csv.DictReader(f)}


def web_list_rows() -> list[dict]:
    """All 502 filings of 2022-01-03 from the DART website.

    The website gives no corp_code: see _web_corp.
    """
    rows = []
    with WEB_LIST_CSV.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            rows.append(
                _named_corp_row(
                    row,
                    corp_cls=_WEB_CLS[row["corp_cls_label"]],
                    flr_nm=row["flr_nm"],
                    rcept_dt=datetime.strptime(row["rcept_dt"], "%Y.%m.%d").date(),
                    rm=row["rm"],
                )
            )
    return rows


def _web_corp(name: str) -> tuple[str, str | None]:
    """corp_code and stock_code by name from the recorded company list; when the name is unknown
    (funds, renamed companies) a stable code starting with 99 is made from it, so that every
    filing keeps a valid 8-digit code."""
    return _corp_codes_by_name().get(name) or (f"99{zlib.crc32(name.encode()) % 1_000_000:06d}", None)


def _named_corp_row(row: dict[str, str], *, corp_cls: str, flr_nm: str, rcept_dt: date, rm: str) -> dict:
    """A disclosure row from an export that names the company but gives no corp_code: the codes
    come from _web_corp, the fields each export spells its own way from the caller."""
    corp_code, stock_code = _web_corp(row["corp_name"])
    return {
        "rcept_no": row["rcept_no"],
        "corp_code": corp_code,
        "corp_name": row["corp_name"],
        "stock_code": stock_code,
        "corp_cls": corp_cls,
        "report_nm": row["report_nm"],
        "flr_nm": flr_nm,
        "rcept_dt": rcept_dt,
        "rm": rm,
    }


def dartnotice_rows() -> list[dict]:
    """99 real titles (2020-01..2025-07) with receipt numbers and dates, trailing spaces kept."""
    rows = []
    with (DATA_DIR / "dartnotice_titles.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            rows.append(
                _named_corp_row(
                    row,
                    # The export has no market: KIND's channel digit (9th of rcept_no) tells the
                    # KOSPI (8) and KOSDAQ (9) desks apart; anything else is recorded as other.
                    corp_cls={"8": "Y", "9": "K"}.get(row["rcept_no"][8], "E"),
                    flr_nm=row["corp_name"],
                    rcept_dt=datetime.strptime(row["rcept_dt_yy_mm_dd"], "%y/%m/%d").date(),
                    rm="",
                )
            )
    return rows


def watchlist_rows() -> list[dict]:
    """356 watch-list filings (2026-05..08) of listed companies: real titles and receipt numbers."""
    events = json.loads((DATA_DIR / "gongsi_calendar_union.json").read_text(encoding="utf-8"))["events"]
    markets = {"KOSPI": "Y", "KOSDAQ": "K", "KONEX": "N"}
    return [
        {
            "rcept_no": e["rcept_no"],
            "corp_code": _web_corp(e["corp"])[0],
            "corp_name": e["corp"],
            "stock_code": _stock_code(e.get("stock")),
            "corp_cls": markets.get(e.get("market"), "E"),
            "report_nm": e["title"],
            "flr_nm": e.get("flr") or e["corp"],
            "rcept_dt": datetime.strptime(e["date"], "%Y%m%d").date(),
            "rm": "",
        }
        for e in events
    ]


def all_recorded_rows() -> list[dict]:
    """Every recorded real filing, one row per rcept_no (later sources win on duplicates)."""
    sources = (list_rows(), web_list_rows(), company_list_rows(), dartnotice_rows(), watchlist_rows())
    return list({row["rcept_no"]: row for rows in sources for row in rows}.values())


def load_disclosures(engine: sa.Engine, rows: Iterable[dict]) -> int:
    """Upsert filings into dart_raw.disclosures (rm and titles can change); returns the row count."""
    rows = [{**row, "pblntf_ty": row.get("pblntf_ty")} for row in rows]
    stmt = sa.text(
        """
        INSERT INTO dart_raw.disclosures (rcept_no, corp_code, corp_name, stock_code, corp_cls,
                                          report_nm, flr_nm, rcept_dt, rm, pblntf_ty)
        VALUES (:rcept_no, :corp_code, :corp_name, :stock_code, :corp_cls,
                :report_nm, :flr_nm, :rcept_dt, :rm, :pblntf_ty)
        ON CONFLICT (rcept_no) DO UPDATE SET
            report_nm = EXCLUDED.report_nm, rm = EXCLUDED.rm, pblntf_ty = EXCLUDED.pblntf_ty,
            last_seen_at = now(), loaded_at = now()
        """
    )
    with engine.begin() as conn:
        if rows:
            conn.execute(stmt, rows)
    return len(rows)


def _financial_rows(week_start: date) -> Iterator[dict]:
    for path in sorted(FINANCIALS_DIR.glob("*_CFS.csv")):
        with path.open(encoding="utf-8-sig", newline="") as f:
            for row in csv.DictReader(f):
                if row["account_nm"] not in _KEY_ACCOUNTS:
                    continue
                yield {
                    "rcept_no": row["rcept_no"],
                    "corp_code": row["corp_code"],
                    "bsns_year": int(row["bsns_year"]),
                    "reprt_code": row["reprt_code"],
                    "fs_div": "CFS",
                    "sj_div": row["sj_div"],
                    "account_nm": row["account_nm"],
                    "ord": int(row["ord"] or 0),
                    "thstrm_amount": _amount(row["thstrm_amount"]),
                    "frmtrm_amount": _amount(row["frmtrm_amount"]),
                    "week_start": week_start,
                }


def _amount(value: str) -> int | None:
    value = value.replace(",", "").strip()
    return int(value) if value not in ("", "-") else None


def load_financials(engine: sa.Engine, week_start: date = date(2026, 3, 16)) -> int:
    """Key accounts of the recorded reports (와이지-원, 2016-2025, CFS) into dart_raw.financial_accounts."""
    rows = list(
        {(r["rcept_no"], r["sj_div"], r["account_nm"], r["ord"]): r for r in _financial_rows(week_start)}.values()
    )
    stmt = sa.text(
        """
        INSERT INTO dart_raw.financial_accounts (rcept_no, corp_code, bsns_year, reprt_code, fs_div,
            sj_div, account_nm, ord, thstrm_amount, frmtrm_amount, week_start)
        VALUES (:rcept_no, :corp_code, :bsns_year, :reprt_code, :fs_div, :sj_div, :account_nm, :ord,
            :thstrm_amount, :frmtrm_amount, :week_start)
        ON CONFLICT DO NOTHING
        """
    )
    with engine.begin() as conn:
        conn.execute(stmt, rows)
    return len(rows)


def company_list_rows(corp_code: str = "00139719") -> list[dict]:
    """Complete list.json responses of one company (와이지-원 by default), 2016-2025."""
    rows = []
    for path in sorted((DATA_DIR / f"list_{corp_code}").glob("*.json")):
        for item in json.loads(path.read_text(encoding="utf-8"))["list"]:
            rows.append(
                {
                    **{k: item[k] for k in _DISCLOSURE_COLUMNS},
                    "stock_code": _stock_code(item["stock_code"]),
                    "rcept_dt": datetime.strptime(item["rcept_dt"], "%Y%m%d").date(),
                }
            )
    return rows


MATERIAL_DIR = DATA_DIR / "responses" / "material" / "testdata"


def recorded_major_events() -> list[tuple[dict, dict]]:
    """The real DS005 items among the recorded answers (the '테스트' ones hold invented values and
    are left out), each with the list.json row of its filing: (disclosure row, major-event row).
    The filing's title is the endpoint's 주요사항보고서 title; its date is its rcept_no's."""
    from dart_assets.sources.dart.major_events import ENDPOINTS

    pairs = []
    for endpoint in ENDPOINTS:
        path = MATERIAL_DIR / f"{endpoint.name}.json"
        for item in json.loads(path.read_text(encoding="utf-8")).get("list", []) if path.exists() else []:
            if item.get("corp_name", "").startswith("테스트"):
                continue
            day = datetime.strptime(item["rcept_no"][:8], "%Y%m%d").date()
            filing = {
                "rcept_no": item["rcept_no"],
                "corp_code": item["corp_code"],
                "corp_name": item["corp_name"],
                "stock_code": None,
                "corp_cls": item.get("corp_cls") or "E",
                "report_nm": f"주요사항보고서({endpoint.stems[0]})",
                "flr_nm": item["corp_name"],
                "rcept_dt": day,
                "rm": "",
            }
            event = {
                "rcept_no": item["rcept_no"],
                "endpoint": endpoint.name,
                "corp_code": item["corp_code"],
                "rcept_dt": day,
                "details": json.dumps(item, ensure_ascii=False),
            }
            pairs.append((filing, event))
    return pairs


def load_major_events(engine: sa.Engine) -> int:
    """The recorded real DS005 items and their filings into dart_raw; returns the item count."""
    pairs = recorded_major_events()
    load_disclosures(engine, [filing for filing, _ in pairs])
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                """insert into dart_raw.major_events (rcept_no, endpoint, corp_code, rcept_dt, details)
                   values (:rcept_no, :endpoint, :corp_code, :rcept_dt, cast(:details as jsonb))
                   on conflict do nothing"""
            ),
            [event for _, event in pairs],
        )
    return len(pairs)
