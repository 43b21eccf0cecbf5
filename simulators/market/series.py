"""Daily market series: KOSPI, VKOSPI, put/call volumes and the ECOS interest rates.

Seed values where the seed history has them (exact, see seeds.py); gaps inside the seed range are
interpolated between the neighbouring seed days; days after the seed history are random walks
calibrated on it: KOSPI log returns with the seed's mean and volatility, VKOSPI mean-reverting
and moving against the KOSPI (the regression of the seed's daily changes), the put/call ratio and
volume as lognormal AR(1) processes, yields as random walks with the seed's daily changes and the
credit spreads mean-reverting. Everything is held in integer units of the served decimals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np

from simulators.market.days import all_sessions, all_weekdays, interpolate, stream
from simulators.market.formatting import round_half_up
from simulators.market.seeds import SEED_END, seeds

# KOSPI close of 2019-12-30, the session before the first one served (MayCoding/Project2_csv:KOSPI.csv).
KOSPI_CLOSE_BEFORE_FIRST = 219767
# Term spread KTB 10y - 3y of the synthetic 3-year yield, thousandths of a percent.
TERM_SPREAD_RANGE = (100, 500)


@dataclass(frozen=True)
class Market:
    """Per-session arrays (index points and VKOSPI in hundredths, volumes in shares, KRW)."""

    sessions: tuple[date, ...]
    kospi_open: np.ndarray
    kospi_high: np.ndarray
    kospi_low: np.ndarray
    kospi_close: np.ndarray
    kospi_volume: np.ndarray
    kospi_value: np.ndarray  # 거래대금 of the 코스피 row (KRW)
    kospi_cap: np.ndarray
    vkospi: np.ndarray
    puts: np.ndarray
    calls: np.ndarray

    def kospi_log_returns(self) -> np.ndarray:
        closes = np.concatenate(([KOSPI_CLOSE_BEFORE_FIRST], self.kospi_close)).astype(np.float64)
        return np.diff(np.log(closes))


@dataclass(frozen=True)
class Rates:
    """ECOS 817Y002 per weekday, thousandths of a percent: KTB 3y/10y, corporate AA-/BBB- 3y."""

    weekdays: tuple[date, ...]
    ktb3: np.ndarray
    ktb10: np.ndarray
    aa_minus: np.ndarray
    bbb_minus: np.ndarray


def _ar1_fit(series: np.ndarray) -> tuple[float, float, float]:
    """(mean, phi, residual sd) of an AR(1) fitted by least squares."""
    mean = float(series.mean())
    x, y = series[:-1] - mean, series[1:] - mean
    phi = float(np.clip((x @ y) / (x @ x), 0.0, 0.98))
    return mean, phi, float((y - phi * x).std())


def _kospi(seed: int, sessions: tuple[date, ...]) -> dict[str, np.ndarray]:
    known = seeds().kospi
    n = len(sessions)
    names = ("open", "high", "low", "close", "volume", "value", "cap")
    out = {name: np.zeros(n, dtype=np.int64) for name in names}
    seeded = [t for t, day in enumerate(sessions) if day in known]
    last = seeded[-1]
    for t in seeded:
        row = known[sessions[t]]
        for name, seeded_value in zip(names[:5], (row.open, row.high, row.low, row.close, row.volume), strict=True):
            out[name][t] = seeded_value
    closes = out["close"][: last + 1].astype(np.float64)
    previous = np.concatenate(([KOSPI_CLOSE_BEFORE_FIRST], closes[:-1]))
    returns = np.log(closes / previous)
    mu, sigma = float(returns.mean()), float(returns.std())
    gaps = np.log(out["open"][: last + 1] / previous)
    ups = np.log(out["high"][: last + 1] / np.maximum(out["open"][: last + 1], closes))
    downs = np.log(np.minimum(out["open"][: last + 1], closes) / out["low"][: last + 1])

    breadth = seeds().breadth
    flat_share = stream(seed, "kospi.flat_share").uniform(0.004, 0.010, n)
    cap_day = 0
    for t in range(last + 1):  # 거래대금 and 상장시가총액 are empty from 2025-07-10
        row = known[sessions[t]]
        if row.value is not None:
            out["value"][t] = row.value
        elif sessions[t] in breadth:  # advancing + declining value plus a small unchanged share
            adv, dec = breadth[sessions[t]]
            out["value"][t] = round((adv + dec) * 1_000_000 * (1 + flat_share[t]))
        else:
            out["value"][t] = out["value"][t - 1]
        if row.market_cap is not None:
            cap_day, out["cap"][t] = t, row.market_cap
        else:  # the last published cap moved with the index
            out["cap"][t] = round(int(out["cap"][cap_day]) * int(out["close"][t]) / int(out["close"][cap_day]))

    draws = stream(seed, "kospi.generated").standard_normal((n, 4))
    ranges = stream(seed, "kospi.ranges").exponential(1.0, (n, 2))
    log_value = np.log(out["value"][: last + 1].astype(np.float64))
    value_mean = float(log_value[-60:].mean())
    per_share = float(np.median(out["value"][last - 59 : last + 1] / out["volume"][last - 59 : last + 1]))
    close, value = float(out["close"][last]), float(log_value[-1])
    for t in range(last + 1, n):
        z_ret, z_gap, z_val, z_vol = draws[t]
        ret = mu + sigma * z_ret
        open_ = close * math.exp(gaps.mean() + gaps.std() * z_gap)
        close_new = close * math.exp(ret)
        out["open"][t] = round(open_)
        out["close"][t] = round(close_new)
        out["high"][t] = max(
            out["open"][t], out["close"][t], round(max(open_, close_new) * math.exp(ups.mean() * ranges[t, 0]))
        )
        out["low"][t] = min(
            out["open"][t], out["close"][t], round(min(open_, close_new) * math.exp(-downs.mean() * ranges[t, 1]))
        )
        value = value_mean + 0.7 * (value - value_mean) + 0.2 * z_val + 3 * abs(ret)
        out["value"][t] = round(math.exp(value))
        out["volume"][t] = round(out["value"][t] / (per_share * math.exp(0.05 * z_vol)))
        out["cap"][t] = round(int(out["cap"][t - 1]) * close_new / close)
        close = close_new
    return out


def _vkospi(seed: int, sessions: tuple[date, ...], kospi_returns: np.ndarray) -> np.ndarray:
    known = seeds().vkospi
    n = len(sessions)
    values = interpolate({t: known[day] for t, day in enumerate(sessions) if day in known}, n)
    last = max(t for t, day in enumerate(sessions) if day in known)
    logs = np.log(values[: last + 1])
    # d log v = a + b log v + c r: the seed's mean reversion and its negative link to returns; the
    # walk reverts (at least 2% a session) to the seed's median, not to the stressed level it ends on
    design = np.column_stack((np.ones(last), logs[:-1], kospi_returns[1 : last + 1]))
    coef, *_ = np.linalg.lstsq(design, np.diff(logs), rcond=None)
    residual = float((np.diff(logs) - design @ coef).std())
    reversion, centre = max(-float(coef[1]), 0.02), float(np.median(logs))
    draws = stream(seed, "vkospi.generated").standard_normal(n)
    level = float(logs[-1])
    for t in range(last + 1, n):
        level += reversion * (centre - level) + coef[2] * kospi_returns[t] + residual * draws[t]
        level = min(max(level, math.log(800)), math.log(9000))
        values[t] = math.exp(level)
    return round_half_up(values)


def _put_call(seed: int, sessions: tuple[date, ...]) -> tuple[np.ndarray, np.ndarray]:
    known = seeds().put_call
    n = len(sessions)
    seeded = {t: known[day] for t, day in enumerate(sessions) if day in known and min(known[day]) > 0}
    totals = interpolate({t: math.log(p + c) for t, (p, c) in seeded.items()}, n)
    ratios = interpolate({t: math.log(p / c) for t, (p, c) in seeded.items()}, n)
    last = max(seeded)
    total_mean, total_phi, total_sd = _ar1_fit(totals[max(0, last - 500) : last + 1])
    ratio_mean, ratio_phi, ratio_sd = _ar1_fit(ratios[max(0, last - 500) : last + 1])
    draws = stream(seed, "put_call.generated").standard_normal((n, 2))
    for t in range(last + 1, n):
        totals[t] = total_mean + total_phi * (totals[t - 1] - total_mean) + total_sd * draws[t, 0]
        ratios[t] = ratio_mean + ratio_phi * (ratios[t - 1] - ratio_mean) + ratio_sd * draws[t, 1]
    total = np.maximum(2, round_half_up(np.exp(totals[:n])))
    share = np.exp(ratios) / (1 + np.exp(ratios))
    puts = np.clip(round_half_up(total * share), 1, total - 1)
    calls = total - puts
    for t, (put, call) in seeded.items():
        puts[t], calls[t] = put, call
    return puts, calls


@lru_cache(maxsize=4)
def market(seed: int) -> Market:
    sessions = all_sessions()
    kospi = _kospi(seed, sessions)
    closes = np.concatenate(([KOSPI_CLOSE_BEFORE_FIRST], kospi["close"])).astype(np.float64)
    returns = np.diff(np.log(closes))
    puts, calls = _put_call(seed, sessions)
    return Market(
        sessions=sessions,
        kospi_open=kospi["open"],
        kospi_high=kospi["high"],
        kospi_low=kospi["low"],
        kospi_close=kospi["close"],
        kospi_volume=kospi["volume"],
        kospi_value=kospi["value"],
        kospi_cap=kospi["cap"],
        vkospi=_vkospi(seed, sessions, returns),
        puts=puts,
        calls=calls,
    )


def _seeded_weekdays(known: dict[date, int], weekdays: tuple[date, ...]) -> tuple[np.ndarray, int]:
    """Seed values on weekdays (weekend rows ignored), gaps interpolated; and the last seeded position."""
    at = {t: float(known[day]) for t, day in enumerate(weekdays) if day in known}
    return interpolate(at, len(weekdays)), max(at)


def _continue_ar(
    values: np.ndarray, last: int, draws: np.ndarray, phi: float, sd: float, step: int, window: int
) -> None:
    """Fill values after `last` with a mean-reverting walk around the mean of the last `window` seed values."""
    mean = float(values[last - window + 1 : last + 1].mean())
    for t in range(last + 1, len(values)):
        values[t] = mean + phi * (values[t - 1] - mean) + sd * draws[t]
    values[last + 1 :] = np.round(values[last + 1 :] / step) * step


@lru_cache(maxsize=4)
def rates(seed: int) -> Rates:
    """The four ECOS yields. KTB 10y is the seed's ten_ratio; KTB 3y = 10y - a slowly varying term
    spread (0.1-0.5 %p); AA- 3y = KTB 3y + the seed's AA- spread (aam); BBB- 3y = AA- 3y + the seed's
    junk_spread, so BBB- - AA- gives back junk_spread (rounded half-up to 3 decimals) exactly."""
    weekdays = all_weekdays()
    n = len(weekdays)
    source = seeds()
    ktb10, last10 = _seeded_weekdays(source.ktb10, weekdays)
    steps = np.diff(ktb10[: last10 + 1])
    _continue_ar(ktb10, last10, stream(seed, "ktb10.generated").standard_normal(n), 0.998, float(steps.std()), 1, 500)
    aam, last_credit = _seeded_weekdays({d: v[0] for d, v in source.credit.items()}, weekdays)
    junk, _ = _seeded_weekdays({d: v[1] for d, v in source.credit.items()}, weekdays)
    aam[: last_credit + 1] = np.round(aam[: last_credit + 1] / 10) * 10  # interpolated gaps keep 2 decimals
    _continue_ar(aam, last_credit, stream(seed, "aam.generated").standard_normal(n), 0.99, 6.0, 10, 250)
    _continue_ar(junk, last_credit, stream(seed, "junk.generated").standard_normal(n), 0.99, 5.0, 1, 250)
    for values in (ktb10, aam, junk):  # before the first seed row (none today): the first value
        first = int(np.flatnonzero(~np.isnan(values))[0])
        values[:first] = values[first]
    noise = np.zeros(n)
    draws = stream(seed, "term_spread").standard_normal(n)
    for t in range(1, n):
        noise[t] = 0.98 * noise[t - 1] + 4.0 * draws[t]
    wave = 300 + 150 * np.sin(2 * np.pi * np.arange(n) / 900 + 1.3)
    spread = np.clip(round_half_up(wave + noise), *TERM_SPREAD_RANGE)
    ktb10_units = round_half_up(ktb10)
    ktb3 = ktb10_units - spread
    aa_minus = ktb3 + round_half_up(aam)
    return Rates(weekdays, ktb3, ktb10_units, aa_minus, aa_minus + round_half_up(junk))


def seed_end_position() -> int:
    return all_sessions().index(SEED_END)
