"""market_raw rows for the dbt tests: a span of XKRX sessions in the shapes KRX and ECOS answer.

The index's market components read the market_raw tables (dart_assets/sources/market/tables.py). The
tests fill them here, with plain INSERTs (the product's loaders are another concern), from
rows shaped exactly like the sources' answers: KRX OutBlock_1 rows (upper-case fields, every
value a string, "-" for missing) and ECOS StatisticSearch rows (TIME, DATA_VALUE).

Where the rows come from:
- the market simulator's history (`simulators.market.history`: krx_rows(endpoint,
  day), ecos_rows(item_code, start, end)) when it is installed, cut down to a few dozen issues
  and the option series that matter so that a test stays fast;
- otherwise `SyntheticMarket`: a small deterministic market (seeded) in which one cycle drives
  every component, so that the index visits fear and greed, with the awkward cases the models
  must handle: a 5-for-1 split, a halted issue (high/low 0), the mini, weekly and KOSDAQ150
  option products, the inflation-linked 10-year benchmark, sessions ECOS lacks.
"""

from __future__ import annotations

import math
import os
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from psycopg2.extras import execute_values

from dart_assets.core.calendar import xkrx
from dart_assets.sources.ecos.client import (
    CORPORATE_AA_MINUS_3Y as AA_MINUS,
    CORPORATE_BBB_MINUS_3Y as BBB_MINUS,
    ITEMS as ECOS_ITEMS,
    KTB_3Y as KTB3Y,
    KTB_10Y as KTB10Y,
)
from dart_assets.sources.krx.client import (
    DERIVATIVE_INDICES as DERIVATIVE_INDICES_EP,
    GOVERNMENT_BONDS as GOVERNMENT_BONDS_EP,
    KOSPI_INDEX as KOSPI_INDEX_EP,
    OPTION_TRADES as OPTION_TRADES_EP,
    STOCK_TRADES as STOCK_TRADES_EP,
)
from dart_assets.sources.market.assets import KRX_TABLES as TABLE_OF_ENDPOINT
from dart_assets.sources.market.tables import BOND_YIELDS, RawTable

ECOS_NAMES = {
    KTB3Y: "국고채(3년)",
    KTB10Y: "국고채(10년)",
    AA_MINUS: "회사채(3년, AA-)",
    BBB_MINUS: "회사채(3년, BBB-)",
}

KOSPI200_OPTIONS = "코스피200 옵션"


def sessions(start: date, end: date) -> list[date]:
    """XKRX sessions in [start, end]."""
    return [ts.date() for ts in xkrx().sessions_in_range(start.isoformat(), end.isoformat())]


def _num(value: float, places: int) -> str:
    return f"{value:.{places}f}"


@dataclass
class _Issue:
    code: str
    name: str
    beta: float
    price: float
    shares: int
    split_on: int | None = None  # session index of a 5-for-1 split
    halted: range = field(default_factory=lambda: range(0))


class SyntheticMarket:
    """A deterministic KOSPI: `n_issues` stocks around one market cycle, and the index,
    VKOSPI, options, government bonds and ECOS yields that follow it."""

    def __init__(self, start: date, end: date, *, n_issues: int = 30, seed: int = 20240104) -> None:
        self.sessions = sessions(start, end)
        rng = random.Random(seed)
        n = len(self.sessions)
        # one cycle of ~8 months plus noise: momentum, breadth, strength, fear all follow it
        market = [0.004 * math.sin(2 * math.pi * t / 170) + 0.009 * rng.gauss(0, 1) for t in range(n)]
        level, closes = 2500.0, []
        for r in market:
            level *= math.exp(r)
            closes.append(level)
        self._kospi = closes
        issues = [
            _Issue(
                f"{100000 + 10 * i:06d}",
                f"종목{i:02d}",
                0.6 + 0.03 * i,
                rng.uniform(2_000, 200_000),
                rng.randrange(10**6, 10**8),
            )
            for i in range(n_issues)
        ]
        issues[3].split_on = n // 2
        issues[5].halted = range(n // 3, n // 3 + 12)
        self._stocks: dict[date, list[dict[str, str]]] = {d: [] for d in self.sessions}
        for issue in issues:
            prev_close = issue.price
            for t, day in enumerate(self.sessions):
                if t == issue.split_on:
                    prev_close /= 5
                    issue.shares *= 5
                if t in issue.halted:
                    close, high, low, volume, change = prev_close, 0.0, 0.0, 0, 0.0
                else:
                    close = prev_close * math.exp(issue.beta * market[t] + 0.012 * rng.gauss(0, 1))
                    high = max(close, prev_close) * (1 + abs(rng.gauss(0, 0.006)))
                    low = min(close, prev_close) * (1 - abs(rng.gauss(0, 0.006)))
                    volume = rng.randrange(10_000, 2_000_000)
                    change = (round(close) / round(prev_close) - 1) * 100
                self._stocks[day].append(
                    {
                        "BAS_DD": day.strftime("%Y%m%d"),
                        "ISU_CD": issue.code,
                        "ISU_NM": issue.name,
                        "MKT_NM": "KOSPI",
                        "SECT_TP_NM": "-",
                        "TDD_CLSPRC": str(round(close)),
                        "CMPPREVDD_PRC": str(round(close) - round(prev_close)),
                        "FLUC_RT": _num(change, 2),
                        "TDD_OPNPRC": str(round(prev_close)) if volume else "0",
                        "TDD_HGPRC": str(round(high)),
                        "TDD_LWPRC": str(round(low)),
                        "ACC_TRDVOL": str(volume),
                        "ACC_TRDVAL": str(round(volume * close)),
                        "MKTCAP": str(round(close) * issue.shares),
                        "LIST_SHRS": str(issue.shares),
                    }
                )
                prev_close = close

        # fear gauges: trailing returns of the cycle
        def trailing(t: int, k: int) -> float:
            return math.log(closes[t] / closes[max(0, t - k)])

        self._vkospi = [18 * math.exp(-4 * trailing(t, 20) + 0.05 * rng.gauss(0, 1)) for t in range(n)]
        self._put_call = [math.exp(-3 * trailing(t, 5) + 0.1 * rng.gauss(0, 1)) for t in range(n)]
        self._ktb10 = [3.2 + 0.4 * math.sin(2 * math.pi * t / 300) + 0.02 * rng.gauss(0, 1) for t in range(n)]
        self._junk = [max(0.5, 2.5 - 4 * trailing(t, 60) + 0.02 * rng.gauss(0, 1)) for t in range(n)]
        # ECOS lacks the 10-year KTB on every 37th session: KRX's benchmark is the fallback.
        self._positions = {d: t for t, d in enumerate(self.sessions)}

    # -- the sources' answers -------------------------------------------------------------

    def krx_rows(self, endpoint: str, day: date) -> list[dict[str, str]]:
        """KRX OutBlock_1 rows of `endpoint` for `day` ([] when no session)."""
        if day not in self._stocks:
            return []
        t = self._positions[day]
        bas = day.strftime("%Y%m%d")
        if endpoint == STOCK_TRADES_EP:
            return list(self._stocks[day])
        if endpoint == KOSPI_INDEX_EP:
            k, prev = self._kospi[t], self._kospi[max(0, t - 1)]
            base = {
                "BAS_DD": bas,
                "IDX_CLSS": "KOSPI",
                "ACC_TRDVOL": "500000000",
                "ACC_TRDVAL": "9000000000000",
                "MKTCAP": "2000000000000000",
            }
            return [
                {
                    **base,
                    "IDX_NM": "코스피 (외국주포함)",
                    "CLSPRC_IDX": "-",
                    "CMPPREVDD_IDX": "-",
                    "FLUC_RT": "-",
                    "OPNPRC_IDX": "-",
                    "HGPRC_IDX": "-",
                    "LWPRC_IDX": "-",
                },
                {
                    **base,
                    "IDX_NM": "코스피",
                    "CLSPRC_IDX": _num(k, 2),
                    "CMPPREVDD_IDX": _num(k - prev, 2),
                    "FLUC_RT": _num((k / prev - 1) * 100, 2),
                    "OPNPRC_IDX": _num(prev, 2),
                    "HGPRC_IDX": _num(max(k, prev) * 1.004, 2),
                    "LWPRC_IDX": _num(min(k, prev) * 0.996, 2),
                },
                {
                    **base,
                    "IDX_NM": "코스피 200",
                    "CLSPRC_IDX": _num(k / 7.5, 2),
                    "CMPPREVDD_IDX": "0.00",
                    "FLUC_RT": "0.00",
                    "OPNPRC_IDX": "-",
                    "HGPRC_IDX": "-",
                    "LWPRC_IDX": "-",
                },
            ]
        if endpoint == DERIVATIVE_INDICES_EP:
            v = self._vkospi[t]
            return [
                {
                    "BAS_DD": bas,
                    "IDX_CLSS": "선물지수",
                    "IDX_NM": "미국달러선물지수",
                    "CLSPRC_IDX": "1398.63",
                    "CMPPREVDD_IDX": "3.64",
                    "FLUC_RT": "0.26",
                    "OPNPRC_IDX": "1399.80",
                    "HGPRC_IDX": "1401.51",
                    "LWPRC_IDX": "1397.88",
                },
                {
                    "BAS_DD": bas,
                    "IDX_CLSS": "옵션지수",
                    "IDX_NM": "코스피 200 변동성지수",
                    "CLSPRC_IDX": _num(v, 2),
                    "CMPPREVDD_IDX": "0.00",
                    "FLUC_RT": "0.00",
                    "OPNPRC_IDX": _num(v, 2),
                    "HGPRC_IDX": _num(v * 1.02, 2),
                    "LWPRC_IDX": _num(v * 0.98, 2),
                },
                {
                    "BAS_DD": bas,
                    "IDX_CLSS": "전략지수",
                    "IDX_NM": "KRX 최소변동성지수",
                    "CLSPRC_IDX": "6102.55",
                    "CMPPREVDD_IDX": "-53.13",
                    "FLUC_RT": "-0.86",
                    "OPNPRC_IDX": "6131.97",
                    "HGPRC_IDX": "6147.12",
                    "LWPRC_IDX": "6091.45",
                },
            ]
        if endpoint == OPTION_TRADES_EP:
            calls = 400_000
            puts = round(calls * self._put_call[t])
            rows = []
            # the monthly product in three series per right; the others would move the ratio
            for right, total in (("CALL", calls), ("PUT", puts)):
                for j, share in enumerate((0.5, 0.3, 0.2)):
                    rows.append(
                        self._option(
                            bas,
                            KOSPI200_OPTIONS,
                            right,
                            f"{'2' if right == 'CALL' else '3'}01V1{j:03d}",
                            round(total * share),
                        )
                    )
                rows.append(
                    self._option(
                        bas,
                        "미니코스피200 옵션",
                        right,
                        f"{'2' if right == 'CALL' else '3'}05V1000",
                        3 * calls if right == "CALL" else 10,
                    )
                )
                rows.append(
                    self._option(
                        bas,
                        "코스피200 위클리(목) 옵션",
                        right,
                        f"{'2' if right == 'CALL' else '3'}09V1000",
                        10 if right == "CALL" else 2 * calls,
                    )
                )
                rows.append(
                    self._option(bas, "코스닥150 옵션", right, f"{'2' if right == 'CALL' else '3'}06V1000", 1000)
                )
            return rows
        if endpoint == GOVERNMENT_BONDS_EP:
            y10 = self._ktb10[t]
            return [
                self._bond(bas, "KR103501GDC8", "국고03875-2612(23-10)", "3", "지표", y10 - 0.1),
                self._bond(bas, "KR103503GC64", "물가01625-3206(22-6)", "10", "지표", 0.9),
                self._bond(bas, "KR103502GDC6", "국고04125-3312(23-11)", "10", "지표", y10 + 0.004),
                self._bond(bas, "KR103502GD64", "국고03250-3306(23-5)", "10", "경과", y10 + 0.09),
            ]
        raise ValueError(f"unknown endpoint {endpoint}")

    @staticmethod
    def _option(bas: str, product: str, right: str, code: str, volume: int) -> dict[str, str]:
        return {
            "BAS_DD": bas,
            "ISU_CD": code,
            "ISU_NM": f"{product} {right[0]} {code}",
            "PROD_NM": product,
            "RGHT_TP_NM": right,
            "TDD_CLSPRC": "1.25",
            "CMPPREVDD_PRC": "-",
            "TDD_OPNPRC": "1.20",
            "TDD_HGPRC": "1.30",
            "TDD_LWPRC": "1.10",
            "IMP_VOLT": "18.50",
            "NXTDD_BAS_PRC": "1.25",
            "ACC_TRDVOL": str(volume),
            "ACC_TRDVAL": str(volume * 125_000),
            "ACC_OPNINT_QTY": "1000",
        }

    @staticmethod
    def _bond(bas: str, code: str, name: str, years: str, kind: str, yield_pct: float) -> dict[str, str]:
        y = _num(yield_pct, 3)
        return {
            "BAS_DD": bas,
            "MKT_NM": "국채전문유통시장",
            "ISU_CD": code,
            "ISU_NM": name,
            "BND_EXP_TP_NM": years,
            "GOVBND_ISU_TP_NM": kind,
            "CLSPRC": "10000.0",
            "CMPPREVDD_PRC": "0.0",
            "CLSPRC_YD": y,
            "OPNPRC": "10000.0",
            "OPNPRC_YD": y,
            "HGPRC": "10000.0",
            "HGPRC_YD": y,
            "LWPRC": "10000.0",
            "LWPRC_YD": y,
            "ACC_TRDVOL": "1000000000",
            "ACC_TRDVAL": "1000000000",
        }

    def ecos_rows(self, item_code: str, start: date, end: date) -> list[dict[str, str]]:
        """ECOS StatisticSearch rows of 817Y002 `item_code`, days in [start, end]."""
        rows = []
        for day, t in self._positions.items():
            if not start <= day <= end:
                continue
            if item_code == KTB10Y and t % 37 == 36:
                continue
            value = {
                KTB3Y: self._ktb10[t] - 0.1,
                KTB10Y: self._ktb10[t],
                AA_MINUS: self._ktb10[t] + 0.5,
                BBB_MINUS: self._ktb10[t] + 0.5 + self._junk[t],
            }[item_code]
            rows.append(
                {
                    "STAT_CODE": "817Y002",
                    "ITEM_CODE1": item_code,
                    "ITEM_NAME1": ECOS_NAMES[item_code],
                    "UNIT_NAME": "연%",
                    "TIME": day.strftime("%Y%m%d"),
                    "DATA_VALUE": _num(value, 3),
                }
            )
        return rows


# -- loading --------------------------------------------------------------------------------


def _value(text: str | None) -> Decimal | None:
    if text is None:
        return None
    text = text.strip().replace(",", "")
    return None if text in ("", "-") else Decimal(text)


def _krx_record(table: RawTable, row: dict[str, str]) -> tuple:
    day = date(int(row["BAS_DD"][:4]), int(row["BAS_DD"][4:6]), int(row["BAS_DD"][6:]))
    texts = [row.get(c.upper()) for c in table.text_columns]
    numbers = [_value(row.get(c.upper())) for c in table.numeric_columns]
    return (day, *texts, *numbers)


def _ecos_record(row: dict[str, str]) -> tuple:
    t = row["TIME"]
    return (
        date(int(t[:4]), int(t[4:6]), int(t[6:])),
        row["STAT_CODE"],
        row["ITEM_CODE1"],
        row.get("ITEM_NAME1"),
        row.get("UNIT_NAME"),
        _value(row["DATA_VALUE"]),
    )


def insert(engine: sa.Engine, table: RawTable, records: Sequence[tuple], run_id: str = "test") -> int:
    """INSERT `records` (in table.columns order) into market_raw; loaded_at = now()."""
    if not records:
        return 0
    columns = ", ".join((*table.columns, "run_id"))
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cur:
            execute_values(
                cur,
                f"insert into {table.qualified} ({columns}) values %s",
                [(*r, run_id) for r in records],
                page_size=5000,
            )
        raw.commit()
    finally:
        raw.close()
    return len(records)


def _simulator() -> tuple[Callable[[str, date], list[dict]], Callable[[str, date, date], list[dict]]] | None:
    try:
        from simulators.market.history import ecos_rows, krx_rows  # type: ignore[import-not-found]
    except ImportError:
        return None
    return krx_rows, ecos_rows


def _cut_down(endpoint: str, rows: list[dict[str, str]], keep_issues: set[str] | None) -> list[dict[str, str]]:
    """Fewer rows for a fast test: the chosen issues; every series of the monthly KOSPI200
    options (the put/call ratio) and a few of each other product and right (kept, so that the
    product filter still matters)."""
    if endpoint == STOCK_TRADES_EP and keep_issues is not None:
        return [r for r in rows if r["ISU_CD"] in keep_issues]
    if endpoint == OPTION_TRADES_EP:
        kept, seen = [], {}
        for r in sorted(rows, key=lambda r: r["ISU_CD"]):
            key = (r.get("PROD_NM"), r.get("RGHT_TP_NM"))
            if key[0] == KOSPI200_OPTIONS:
                kept.append(r)
            elif seen.get(key, 0) < 6:
                seen[key] = seen.get(key, 0) + 1
                kept.append(r)
        return kept
    return rows


def fill_market_raw(
    engine: sa.Engine, start: date, end: date, *, n_issues: int = 30, source: str | None = None
) -> dict[str, int]:
    """Every market_raw table filled for the XKRX sessions in [start, end]; rows per table.

    source: "simulator" (the market simulator's history), "synthetic" (SyntheticMarket) or
    "auto" (the simulator when installed); default: $DART_FG_TEST_MARKET_SOURCE, else "auto".
    Returns the row counts and, under "source", which one was used.
    """
    source = source or os.environ.get("DART_FG_TEST_MARKET_SOURCE", "auto")
    sim = _simulator() if source in ("auto", "simulator") else None
    if source == "simulator" and sim is None:
        raise RuntimeError("simulators.market.history is not installed")
    if sim is None:
        market = SyntheticMarket(start, end, n_issues=n_issues)
        krx_rows, ecos_rows, used = market.krx_rows, market.ecos_rows, "synthetic"
    else:
        krx_rows, ecos_rows = sim
        used = "simulator"
    counts: dict[str, int] = {}
    keep_issues: set[str] | None = None
    for endpoint, table in TABLE_OF_ENDPOINT.items():
        records: list[tuple] = []
        for day in sessions(start, end):
            rows = krx_rows(endpoint, day)
            if endpoint == STOCK_TRADES_EP and keep_issues is None and rows and used == "simulator":
                keep_issues = {r["ISU_CD"] for r in sorted(rows, key=lambda r: r["ISU_CD"])[:n_issues]}
            records += [_krx_record(table, r) for r in _cut_down(endpoint, rows, keep_issues)]
        counts[table.name] = insert(engine, table, records)
    # like the product, ECOS rows of weekdays the exchange was closed are not loaded
    days = set(sessions(start, end))
    ecos = [rec for item in ECOS_ITEMS for rec in map(_ecos_record, ecos_rows(item, start, end)) if rec[0] in days]
    counts[BOND_YIELDS.name] = insert(engine, BOND_YIELDS, ecos)
    counts["source"] = used  # type: ignore[assignment]
    return counts
