"""The seed history: daily KOSPI market series 2019-10..2026-05 that the simulator re-serves.

Copies of the seven market tables of a public KOSPI Fear & Greed project (data/README.md). The
simulator serves them through the KRX and ECOS answers in a shape from which the project's dbt
models recompute each seed value exactly, and calibrates the generated days after SEED_END on
them. Every table is keyed by date; a date that occurs twice keeps its last row in file order.
"""

from __future__ import annotations

import csv
import gzip
import io
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from simulators.market.formatting import scaled

SEED_DIR = Path(__file__).parent / "data" / "seeds"
SEED_END = date(2026, 5, 15)  # last KOSPI session of the seed history
VOLUME_IN_THOUSANDS_FROM = date(2025, 7, 9)  # kospi.csv 거래량 switches to thousands of shares


@dataclass(frozen=True)
class KospiDay:
    """One kospi.csv row in exact units: index points in hundredths, volume in shares, KRW."""

    open: int
    high: int
    low: int
    close: int
    volume: int
    value: int | None  # 거래대금, empty from 2025-07-10
    market_cap: int | None  # 상장시가총액, empty from 2025-07-10


@dataclass(frozen=True)
class Seeds:
    kospi: dict[date, KospiDay]
    vkospi: dict[date, int]  # vix.csv vix_close (VKOSPI), hundredths
    put_call: dict[date, tuple[int, int]]  # pcr.csv put, cal (contracts)
    ktb10: dict[date, int]  # ten_bond.csv ten_ratio, thousandths of a percent
    credit: dict[date, tuple[int, int]]  # junk_bond.csv aam, junk_spread: thousandths, half-up
    breadth: dict[date, tuple[int, int]]  # breadth.csv adv_value, dec_value (million KRW)
    strength: dict[date, tuple[int, int, int]]  # stock_strength.csv high, low, total counts


def read_table(name: str) -> list[dict[str, str]]:
    """A seed table's rows as text, in file order."""
    with gzip.open(SEED_DIR / f"{name}.csv.gz") as raw:
        return list(csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8", newline="")))


def _by_date(name: str, required: tuple[str, ...]) -> dict[date, dict[str, str]]:
    """Rows keyed by their date (the first ten characters); later rows replace earlier ones."""
    rows: dict[date, dict[str, str]] = {}
    for row in read_table(name):
        if all(row[column] for column in required):
            rows[date.fromisoformat(row["date"][:10])] = row
    return rows


def duplicated_dates(name: str) -> list[date]:
    """Dates that occur more than once in a seed table (none in the copies bundled here)."""
    seen: set[date] = set()
    twice = []
    for row in read_table(name):
        day = date.fromisoformat(row["date"][:10])
        if day in seen:
            twice.append(day)
        seen.add(day)
    return twice


def _count(text: str) -> int:
    """pcr.csv keeps volumes as text, ten days of 2024-01 comma-grouped ("596,513")."""
    return int(text.replace(",", ""))


def _kospi_day(day: date, row: dict[str, str]) -> KospiDay:
    volume = int(row["거래량"])
    if day >= VOLUME_IN_THOUSANDS_FROM:
        volume *= 1000
    return KospiDay(
        open=scaled(row["시가"], 2),
        high=scaled(row["고가"], 2),
        low=scaled(row["저가"], 2),
        close=scaled(row["종가"], 2),
        volume=volume,
        value=int(row["거래대금"]) if row["거래대금"] else None,
        market_cap=int(row["상장시가총액"]) if row["상장시가총액"] else None,
    )


@lru_cache(maxsize=1)
def seeds() -> Seeds:
    kospi = _by_date("kospi", ("시가", "고가", "저가", "종가", "거래량"))
    return Seeds(
        kospi={day: _kospi_day(day, row) for day, row in kospi.items()},
        vkospi={day: scaled(r["vix_close"], 2) for day, r in _by_date("vix", ("vix_close",)).items()},
        put_call={day: (_count(r["put"]), _count(r["cal"])) for day, r in _by_date("pcr", ("put", "cal")).items()},
        ktb10={day: scaled(r["ten_ratio"], 3) for day, r in _by_date("ten_bond", ("ten_ratio",)).items()},
        credit={
            day: (scaled(r["aam"], 3), scaled(r["junk_spread"], 3))
            for day, r in _by_date("junk_bond", ("aam", "junk_spread")).items()
        },
        breadth={
            day: (int(r["adv_value"]), int(r["dec_value"]))
            for day, r in _by_date("breadth", ("adv_value", "dec_value")).items()
        },
        strength={
            day: (int(r["high_count"]), int(r["low_count"]), int(r["total_count"]))
            for day, r in _by_date("stock_strength", ("high_count", "low_count", "total_count")).items()
        },
    )
