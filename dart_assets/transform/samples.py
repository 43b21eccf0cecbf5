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
from pathlib import Path

import sqlalchemy as sa

DATA_DIR = Path(__file__).resolve().parents[1] / "simulator" / "data"
LIST_ROWS_CSV = DATA_DIR / "list_rows_2025-03-20_2026-03-20_110corps.csv"
WEB_LIST_CSV = DATA_DIR / "web_list_2022-01-03_full_day.csv"
FINANCIALS_DIR = DATA_DIR / "financials"

# The website's market labels, as corp_cls.
_WEB_CLS = {"유": "Y", "코": "K", "넥": "N", "기": "E"}
_KEY_ACCOUNTS = {"매출액", "수익(매출액)", "영업이익", "영업이익(손실)", "당기순이익", "당기순이익(손실)", "자산총계", "부채총계", "자본총계"}
_DISCLOSURE_COLUMNS = ("rcept_no", "corp_code", "corp_name", "stock_code", "corp_cls", "report_nm", "flr_nm", "rcept_dt", "rm")


def _stock_code(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def list_rows() -> list[dict]:
    """The 5,307 list.json rows of 110 large caps (2025-03-20..2026-03-20), titles untouched."""
    with LIST_ROWS_CSV.open(encoding="utf-8", newline="") as f:
        return [
            {
                **{k: row[k] for k in _DISCLOSURE_COLUMNS},
                "stock_code": _stock_code(row["stock_code"]),
                "rcept_dt": datetime.strptime(row["rcept_dt"], "%Y%m%d").date(),
            }
            for row in csv.DictReader(f)
        ]


@lru_cache(maxsize=1)
def _corp_codes_by_name() -> dict[str, tuple[str, str | None]]:
    with gzip.open(DATA_DIR / "corp_codes_2026-06-21.csv.gz", "rt", encoding="utf-8-sig") as f:
        return {r["corp_name"]: (r["corp_code"], _stock_code(r["stock_code"])) for r in csv.DictReader(f)}


def web_list_rows() -> list[dict]:
    """All 502 filings of 2022-01-03 from the DART website.

    The website gives no corp_code: it is looked up by name in the recorded company list, and
    when the name is unknown (funds, renamed companies) a stable code starting with 99 is made
    from the name, so that every filing keeps a valid 8-digit code.
    """
    codes = _corp_codes_by_name()
    rows = []
    with WEB_LIST_CSV.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            corp_code, stock_code = codes.get(row["corp_name"]) or (
                f"99{zlib.crc32(row['corp_name'].encode()) % 1_000_000:06d}",
                None,
            )
            rows.append(
                {
                    "rcept_no": row["rcept_no"],
                    "corp_code": corp_code,
                    "corp_name": row["corp_name"],
                    "stock_code": stock_code,
                    "corp_cls": _WEB_CLS[row["corp_cls_label"]],
                    "report_nm": row["report_nm"],
                    "flr_nm": row["flr_nm"],
                    "rcept_dt": datetime.strptime(row["rcept_dt"], "%Y.%m.%d").date(),
                    "rm": row["rm"],
                }
            )
    return rows


def load_disclosures(engine: sa.Engine, rows: Iterable[dict]) -> int:
    """Upsert filings into dart_raw.disclosures (rm and titles can change); returns the row count."""
    rows = list(rows)
    stmt = sa.text(
        """
        INSERT INTO dart_raw.disclosures (rcept_no, corp_code, corp_name, stock_code, corp_cls,
                                          report_nm, flr_nm, rcept_dt, rm)
        VALUES (:rcept_no, :corp_code, :corp_name, :stock_code, :corp_cls,
                :report_nm, :flr_nm, :rcept_dt, :rm)
        ON CONFLICT (rcept_no) DO UPDATE SET
            report_nm = EXCLUDED.report_nm, rm = EXCLUDED.rm,
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
    rows = list({(r["rcept_no"], r["sj_div"], r["account_nm"], r["ord"]): r for r in _financial_rows(week_start)}.values())
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
