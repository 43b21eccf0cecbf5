"""Exact decimal strings for the market payloads: KRX and ECOS send every number as text.

Values are held as integers of their last decimal (index points in hundredths, yields in
thousandths of a percent), so formatting is exact and a seed value comes back digit for digit;
rounding happens once, half-up, where a generated float or a long seed fraction becomes such an
integer.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import numpy as np


def scaled(text: str, places: int) -> int:
    """The decimal text as an integer count of 10^-places, rounded half-up ("1.1766666" -> 1177)."""
    return int((Decimal(text) * 10**places).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def fixed(units: int, places: int) -> str:
    """An integer count of 10^-places as the decimal text KRX prints: 258702 -> "2587.02"."""
    sign = "-" if units < 0 else ""
    whole, frac = divmod(abs(int(units)), 10**places)
    return f"{sign}{whole}.{frac:0{places}d}" if places else f"{sign}{whole}"


def change_pct(change: int, previous: int) -> str:
    """FLUC_RT: 100 x change / previous, two decimals half-up, "0.00" (never "-0.00") when flat."""
    if previous == 0:
        return "0.00"
    hundredths = (20_000 * abs(change) + abs(previous)) // (2 * abs(previous))
    return fixed(hundredths if change * previous >= 0 else -hundredths, 2)


def round_half_up(values: np.ndarray | float) -> np.ndarray:
    """Half-up rounding to integers (numpy's round is half-to-even), as int64."""
    return np.floor(np.asarray(values, dtype=np.float64) + 0.5).astype(np.int64)


def allocate(total: int, weights: np.ndarray, floors: np.ndarray | None = None) -> np.ndarray:
    """Integers summing to `total` exactly: each its floor plus a share of the rest by weight
    (largest remainders get the last units), e.g. a day's advancing value over its issues."""
    floors = np.zeros(len(weights), dtype=np.int64) if floors is None else floors.astype(np.int64)
    rest = total - int(floors.sum())
    if rest < 0:
        floors, rest = np.zeros_like(floors), total
    raw = rest * (weights / weights.sum())
    out = np.floor(raw).astype(np.int64)
    missing = rest - int(out.sum())
    order = np.argsort(-(raw - out), kind="stable")
    if missing >= 0:
        out[order[:missing]] += 1
    else:
        out[np.argsort(-out, kind="stable")[:-missing]] -= 1
    return floors + out
