"""drv/opt_bydd_trd: KOSPI 200 option series of a session, shaped like the recording.

Three products, in the recording's order: 미니코스피200 옵션, 코스피200 옵션 (the monthly
contract the put/call component reads) and 코스피200 위클리(목) 옵션, each with CALL then PUT
series on a strike ladder around the KOSPI 200. The monthly product lists the front and the next
expiry (second Thursday of the month), 49 and 25 strikes a right: 74 series a side. Its traded
contracts per right sum exactly to the day's put and call volumes (seed pcr.csv, else generated),
spread over the strikes most traded just out of the money; the mini and weekly products trade
too, so a reader that does not filter PROD_NM exactly counts them and gets a wrong ratio.
Prices are Black-Scholes values at the VKOSPI with a mild smile.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import cast

import numpy as np

from simulators.market.days import stream
from simulators.market.formatting import allocate, fixed, round_half_up
from simulators.market.indices import KOSPI_INDEX, family
from simulators.market.series import market

MONTHLY = "코스피200 옵션"
MINI = "미니코스피200 옵션"
WEEKLY = "코스피200 위클리(목) 옵션"
RATE = 0.03
MULTIPLIER = {MONTHLY: 250_000, MINI: 50_000, WEEKLY: 250_000}
# KRX derivative year codes (I, O and U are not used): 2020 Q ... 2024 V, 2025 W, 2026 X
_YEAR_CODES = "QRSTVWXYZABCDEFGHJKLMNP"
_MONTH_CODES = "123456789ABC"


def _second_thursday(year: int, month: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(3 - first.weekday()) % 7 + 7)


def monthly_expiries(day: date) -> tuple[date, date]:
    """The front (this month's, until it expires) and the next monthly expiry."""
    front = _second_thursday(day.year, day.month)
    if day > front:
        year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
        front = _second_thursday(year, month)
    year, month = (front.year + 1, 1) if front.month == 12 else (front.year, front.month + 1)
    return front, _second_thursday(year, month)


_erf = np.vectorize(math.erf, otypes=[float])


def _normal_cdf(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + _erf(x / math.sqrt(2)))


def _price(spot: float, strikes: np.ndarray, vol: np.ndarray, years: np.ndarray, call: bool) -> np.ndarray:
    sd = vol * np.sqrt(years)
    d1 = (np.log(spot / strikes) + (RATE + vol * vol / 2) * years) / sd
    d2 = d1 - sd
    discount = np.exp(-RATE * years)
    if call:
        return spot * _normal_cdf(d1) - strikes * discount * _normal_cdf(d2)
    return strikes * discount * _normal_cdf(-d2) - spot * _normal_cdf(-d1)


def _ticked(prices: np.ndarray) -> np.ndarray:
    """Premiums on KRX's grid (0.01 below 10 points, 0.05 from 10), in hundredths, at least 0.01."""
    hundredths = np.maximum(prices * 100, 1)
    step = np.where(hundredths >= 1000, 5, 1)
    return np.maximum(round_half_up(hundredths / step) * step, 1)


def _smile(strikes: np.ndarray, spot: float, vol: float) -> np.ndarray:
    moneyness = np.log(strikes / spot)
    return vol * (1 + 2.5 * moneyness**2) - 0.25 * moneyness * vol


def _series_code(prefix: str, expiry: date, strike: float) -> str:
    year = _YEAR_CODES[(expiry.year - 2020) % len(_YEAR_CODES)]
    return f"{prefix}{year}{_MONTH_CODES[expiry.month - 1]}{int(strike) % 1000:03d}"


def _ladder(spot: float, count: int) -> np.ndarray:
    step = 2.5 if spot < 600 else 5.0
    centre = round(spot / step) * step
    return centre + step * np.arange(-count, count + 1)


def _product_rows(
    product: str,
    day: date,
    previous_day: date,
    spot: tuple[float, float],
    vol: tuple[float, float],
    legs: list[tuple[date, int, float]],
    totals: tuple[int, int],
    rng: np.random.Generator,
) -> list[dict[str, str]]:
    """CALL then PUT rows of one product: legs are (expiry, strikes each side, volume share)."""
    out = []
    name_prefix = {MONTHLY: "코스피200", MINI: "미니코스피", WEEKLY: "코스피위클리"}[product]
    code_prefix = {MONTHLY: "01", MINI: "05", WEEKLY: "09"}[product]
    for right, call, total in (("CALL", True, totals[1]), ("PUT", False, totals[0])):
        expiries, strikes, weights = [], [], []
        for expiry, count, share in legs:
            ladder = _ladder(spot[0], count)
            centre = spot[0] * (1.015 if call else 0.985)
            expiries += [expiry] * len(ladder)
            strikes.append(ladder)
            weights.append(share * np.exp(-0.5 * ((ladder - centre) / (0.025 * spot[0])) ** 2))
        strike = np.concatenate(strikes)
        volumes = allocate(total, np.concatenate(weights))
        years = np.array([max((e - day).days, 0.5) / 365 for e in expiries])
        previous_years = np.array([max((e - previous_day).days, 0.5) / 365 for e in expiries])
        sigma = _smile(strike, spot[0], vol[0])
        close = _ticked(_price(spot[0], strike, sigma, years, call))
        previous = _ticked(_price(spot[1], strike, _smile(strike, spot[1], vol[1]), previous_years, call))
        wobble = rng.random((len(strike), 3))
        high = np.maximum(close, _ticked(close * (1 + 0.08 * wobble[:, 0]) / 100))
        low = np.minimum(close, _ticked(close * (1 - 0.08 * wobble[:, 1]) / 100))
        open_ = np.clip(_ticked(previous * (0.97 + 0.06 * wobble[:, 2]) / 100), low, high)
        interest = (volumes * (1.5 + wobble[:, 0])).astype(np.int64) + (200 * wobble[:, 1]).astype(np.int64)
        for j, expiry in enumerate(expiries):
            traded = volumes[j] > 0
            label = f"{expiry:%Y%m}" if product != WEEKLY else f"{expiry:%y%m}W{(expiry.day - 1) // 7 + 1}"
            out.append(
                {
                    "ACC_OPNINT_QTY": str(int(interest[j])),
                    "ACC_TRDVAL": str(int(volumes[j]) * int(close[j]) * MULTIPLIER[product] // 100),
                    "ACC_TRDVOL": str(int(volumes[j])),
                    "BAS_DD": f"{day:%Y%m%d}",
                    "CMPPREVDD_PRC": fixed(int(close[j] - previous[j]), 2) if traded else "-",
                    "IMP_VOLT": fixed(round(float(sigma[j]) * 10_000), 2),
                    "ISU_CD": _series_code(("2" if call else "3") + code_prefix, expiry, float(strike[j])),
                    "ISU_NM": f"{name_prefix} {'C' if call else 'P'} {label} {strike[j]:.1f} (정규)",
                    "NXTDD_BAS_PRC": fixed(int(close[j]), 2),
                    "PROD_NM": product,
                    "RGHT_TP_NM": right,
                    "TDD_CLSPRC": fixed(int(close[j]), 2) if traded else "-",
                    "TDD_HGPRC": fixed(int(high[j]), 2) if traded else "-",
                    "TDD_LWPRC": fixed(int(low[j]), 2) if traded else "-",
                    "TDD_OPNPRC": fixed(int(open_[j]), 2) if traded else "-",
                }
            )
    return out


def rows(seed: int, t: int) -> list[dict[str, str]]:
    """The OutBlock_1 of a generated or seed session at position t."""
    data = market(seed)
    k200 = family(KOSPI_INDEX, seed)
    column = next(j for j, r in enumerate(k200.templates) if r["IDX_NM"] == "코스피 200")
    closes = k200.prices["CLSPRC_IDX"][:, column]
    day = data.sessions[t]
    previous_day = data.sessions[t - 1] if t else day - timedelta(days=1)
    spot = (closes[t] / 100, closes[t - 1] / 100 if t else closes[t] / 100)
    vol = (data.vkospi[t] / 10_000, data.vkospi[t - 1] / 10_000 if t else data.vkospi[t] / 10_000)
    rng = stream(seed, f"options:{day}")
    puts, calls = int(data.puts[t]), int(data.calls[t])
    front, following = monthly_expiries(day)
    thursday = day + timedelta(days=(3 - day.weekday()) % 7)
    if thursday == front:  # no weekly series in the week of the monthly expiry
        thursday += timedelta(days=7)
    mini = cast(tuple[int, int], tuple(max(1, round(v * (0.08 + 0.06 * rng.random()))) for v in (puts, calls)))
    weekly = cast(tuple[int, int], tuple(max(1, round(v * (0.15 + 0.10 * rng.random()))) for v in (puts, calls)))
    return (
        _product_rows(MINI, day, previous_day, spot, vol, [(front, 10, 1.0)], mini, rng)
        + _product_rows(
            MONTHLY, day, previous_day, spot, vol, [(front, 24, 1.0), (following, 12, 0.06)], (puts, calls), rng
        )
        + _product_rows(WEEKLY, day, previous_day, spot, vol, [(thursday, 8, 1.0)], weekly, rng)
    )
