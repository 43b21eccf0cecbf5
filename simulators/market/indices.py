"""idx/kospi_dd_trd and idx/drvprod_dd_trd: index series of a session, shaped like the recording.

The KOSPI family serves the 47 series of the recorded response; the row 코스피 carries the seed
KOSPI (open/high/low/close, volume, trading value, market cap), the others follow it with their
own beta and a small tracking noise. The derivative family serves the 선물지수 rows and the first
옵션지수 rows of the recording (29 series), among them 코스피 200 변동성지수 with the seed VKOSPI;
currency futures indices walk on their own, bond futures indices move against the KTB yields.
Every series is anchored on its recorded levels: generated days run into 2024-01-04 and out of
2024-01-05 without a jump, and the recorded days themselves are served verbatim.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from simulators.market.days import FIRST_SESSION, session_positions, stream, weekday_positions
from simulators.market.formatting import change_pct, fixed, round_half_up, scaled
from simulators.market.recorded import RECORDED_DAYS, recorded_rows
from simulators.market.seeds import seeds
from simulators.market.series import KOSPI_CLOSE_BEFORE_FIRST, market, rates

KOSPI_INDEX = "idx/kospi_dd_trd"
DERIVATIVE_INDICES = "idx/drvprod_dd_trd"
KOSPI_NAME = "코스피"
VKOSPI_NAME = "코스피 200 변동성지수"
DERIVATIVE_SERIES = 29  # the recording's 선물지수 block and first 옵션지수 rows (VKOSPI among them)
PRICE_FIELDS = ("OPNPRC_IDX", "HGPRC_IDX", "LWPRC_IDX", "CLSPRC_IDX")
VALUE_FIELDS = ("ACC_TRDVOL", "ACC_TRDVAL", "MKTCAP")
MISSING = ("-", "")


@dataclass(frozen=True)
class Spec:
    kind: str  # kospi, vkospi, equity, fx, bond
    beta: float = 1.0  # equity: exposure to the KOSPI; bond: duration
    noise: float = 0.002  # daily sd of the log tracking noise
    phi: float = 0.98  # its AR(1) persistence (1: a random walk)
    tenor: str = "ktb3"  # bond: which yield drives it


def _fraction(name: str) -> float:
    return zlib.crc32(name.encode()) / 2**32


_EQUITY_BETAS = {
    "코스피 200": 1.03,
    "코스피 100": 1.05,
    "코스피 50": 1.07,
    "코스피 대형주": 1.03,
    "코스피 중형주": 0.95,
    "코스피 소형주": 0.85,
    "코스피200제외 코스피지수": 0.8,
    "코스피 200 중소형주": 0.9,
    "코스피 200 초대형제외 지수": 0.97,
    "코스피 200 TOP 10": 1.12,
    "코스닥 150 선물지수": 1.1,
    "KRX 300 선물지수": 1.0,
    "미니 코스피 200 선물지수": 1.03,
    "코스피 200 선물지수": 1.03,
}


def spec(name: str) -> Spec:
    """How a series moves, from its name (betas of broad indices set, sector ones spread 0.7-1.3)."""
    if name == KOSPI_NAME:
        return Spec("kospi")
    if name == VKOSPI_NAME:
        return Spec("vkospi")
    if "선물" in name and any(currency in name for currency in ("달러", "엔", "유로")):
        return Spec("fx", beta=0.0, noise=0.005, phi=1.0)
    if "국채" in name:
        if "10년" in name:
            return Spec("bond", beta=7.5, noise=0.0005, tenor="ktb10")
        return Spec(
            "bond", beta=5.0 if "3-10" in name else 2.6, noise=0.0005, tenor="ktb10" if "3-10" in name else "ktb3"
        )
    if "양매도" in name:
        return Spec("equity", beta=0.15, noise=0.002)
    if "프로텍티브풋" in name:
        return Spec("equity", beta=0.8, noise=0.002)
    if "커버드콜" in name:
        return Spec("equity", beta=0.6, noise=0.002)
    if "비중상한" in name:  # capped KOSPI 200: the KOSPI 200 itself, nearly
        return Spec("equity", beta=1.0, noise=0.0005)
    if name in _EQUITY_BETAS:
        return Spec("equity", beta=_EQUITY_BETAS[name], noise=0.003 if "코스닥" not in name else 0.01)
    return Spec("equity", beta=0.7 + 0.6 * _fraction(name), noise=0.006)


@dataclass(frozen=True)
class Family:
    """Arrays (sessions x series) in hundredths of a point; 0 where the recording sends "-"."""

    endpoint: str
    templates: tuple[dict[str, str], ...]  # the 2024-01-04 rows: names, families, "-" fields
    prices: dict[str, np.ndarray]  # PRICE_FIELDS -> (n, k)
    values: dict[str, np.ndarray]  # VALUE_FIELDS -> (n, k), kospi family only
    first_previous: np.ndarray  # close of each series before the first session


def _number(text: str, places: int) -> int:
    return 0 if text in MISSING else scaled(text, places)


def _yields(seed: int, tenor: str) -> np.ndarray:
    """A KTB yield in percent on every session (sessions are weekdays, so ECOS has them)."""
    values = getattr(rates(seed), tenor)
    positions = weekday_positions()
    return np.array([values[positions[day]] for day in market(seed).sessions], dtype=np.float64) / 1000


def _closes(seed: int, endpoint: str, templates: tuple[dict[str, str], ...]) -> tuple[np.ndarray, np.ndarray]:
    """Log closes (n, k) anchored on both recorded days, and the log KOSPI they follow."""
    data = market(seed)
    n, k = len(data.sessions), len(templates)
    a1, a2 = (session_positions()[day] for day in RECORDED_DAYS)
    second = {(r["IDX_CLSS"], r["IDX_NM"]): r for r in recorded_rows(endpoint, RECORDED_DAYS[1]) or ()}
    log_kospi = np.log(data.kospi_close.astype(np.float64))
    logs = np.zeros((n, k))
    t = np.arange(n)
    for j, row in enumerate(templates):
        kind = spec(row["IDX_NM"])
        if kind.kind in ("kospi", "vkospi") or row["CLSPRC_IDX"] in MISSING:
            continue
        if kind.kind == "equity":
            driver = kind.beta * log_kospi
        elif kind.kind == "bond":
            driver = -kind.beta * _yields(seed, kind.tenor) / 100
        else:
            driver = np.zeros(n)
        draws = stream(seed, f"{endpoint}:{row['IDX_CLSS']}:{row['IDX_NM']}").standard_normal(n) * kind.noise
        noise = np.zeros(n)
        for s in range(1, n):
            noise[s] = kind.phi * noise[s - 1] + draws[s]
        later = second.get((row["IDX_CLSS"], row["IDX_NM"]), row)
        for anchor, base, part in ((a1, row, t <= a1), (a2, later, t >= a2)):
            decay = kind.phi ** np.abs(t[part] - anchor)
            logs[part, j] = (
                math.log(_number(base["CLSPRC_IDX"], 2))
                + driver[part]
                - driver[anchor]
                + noise[part]
                - noise[anchor] * decay
            )
    return logs, log_kospi


def _intraday(
    seed: int, endpoint: str, templates: tuple[dict[str, str], ...], closes: np.ndarray, previous: np.ndarray
) -> dict[str, np.ndarray]:
    """Open, high and low around each close: the KOSPI's own gap and range, scaled by beta."""
    data = market(seed)
    n, k = closes.shape
    kospi_prev = np.concatenate(([KOSPI_CLOSE_BEFORE_FIRST], data.kospi_close[:-1])).astype(np.float64)
    gap = np.log(data.kospi_open / kospi_prev)
    up = np.log(data.kospi_high / np.maximum(data.kospi_open, data.kospi_close))
    down = np.log(np.minimum(data.kospi_open, data.kospi_close) / data.kospi_low)
    draws = stream(seed, f"{endpoint}:intraday").random((n, k, 3))
    betas = np.array([spec(r["IDX_NM"]).beta if spec(r["IDX_NM"]).kind == "equity" else 0.0 for r in templates])
    own = np.array([{"fx": 0.003, "bond": 0.001, "vkospi": 0.04}.get(spec(r["IDX_NM"]).kind, 0.0) for r in templates])
    opens = previous * np.exp(betas * gap[:, None] + (draws[..., 0] - 0.5) * (own + 0.001))
    top, bottom = np.maximum(opens, closes), np.minimum(opens, closes)
    highs = top * np.exp(np.abs(betas) * up[:, None] * (0.7 + 0.6 * draws[..., 1]) + own * draws[..., 1])
    lows = bottom * np.exp(-np.abs(betas) * down[:, None] * (0.7 + 0.6 * draws[..., 2]) - own * draws[..., 2])
    opens, highs, lows = (round_half_up(a) for a in (opens, highs, lows))
    rounded = closes.astype(np.int64)
    return {
        "OPNPRC_IDX": opens,
        "HGPRC_IDX": np.maximum(highs, np.maximum(opens, rounded)),
        "LWPRC_IDX": np.minimum(lows, np.minimum(opens, rounded)),
    }


@lru_cache(maxsize=8)
def family(endpoint: str, seed: int) -> Family:
    first = recorded_rows(endpoint, RECORDED_DAYS[0]) or ()
    templates = tuple(first[:DERIVATIVE_SERIES] if endpoint == DERIVATIVE_INDICES else first)
    data = market(seed)
    k = len(templates)
    logs, log_kospi = _closes(seed, endpoint, templates)
    closes = round_half_up(np.exp(logs)).astype(np.float64)
    first_previous = np.zeros(k, dtype=np.int64)
    before = seeds().vkospi.get(FIRST_SESSION.replace(year=2019, month=12, day=30))
    for j, row in enumerate(templates):
        kind = spec(row["IDX_NM"]).kind
        if kind == "kospi":
            closes[:, j] = data.kospi_close
            first_previous[j] = KOSPI_CLOSE_BEFORE_FIRST
        elif kind == "vkospi":
            closes[:, j] = data.vkospi
            first_previous[j] = before or data.vkospi[0]
        elif row["CLSPRC_IDX"] in MISSING:
            closes[:, j] = 0
        else:
            beta = spec(row["IDX_NM"]).beta if kind == "equity" else 0.0
            first_previous[j] = round(
                closes[0, j] * math.exp(-beta * (log_kospi[0] - math.log(KOSPI_CLOSE_BEFORE_FIRST)))
            )
    previous = np.vstack((first_previous, closes[:-1])).astype(np.float64)
    prices = _intraday(seed, endpoint, templates, closes, previous)
    prices["CLSPRC_IDX"] = closes.astype(np.int64)
    for j, row in enumerate(templates):
        kind = spec(row["IDX_NM"]).kind
        if kind == "kospi":
            prices["OPNPRC_IDX"][:, j], prices["HGPRC_IDX"][:, j], prices["LWPRC_IDX"][:, j] = (
                data.kospi_open,
                data.kospi_high,
                data.kospi_low,
            )
        for field in PRICE_FIELDS:
            if row[field] in MISSING:
                prices[field][:, j] = 0
    values: dict[str, np.ndarray] = {}
    if endpoint == KOSPI_INDEX:
        values = _values(seed, templates, logs, log_kospi)
    _override_recorded(endpoint, templates, prices, values)
    return Family(endpoint, templates, prices, values, first_previous)


def _values(
    seed: int, templates: tuple[dict[str, str], ...], logs: np.ndarray, log_kospi: np.ndarray
) -> dict[str, np.ndarray]:
    """Volume, value and cap of each series: the KOSPI's, times the recorded share of it."""
    data = market(seed)
    n, k = logs.shape
    kospi_row = next(r for r in templates if r["IDX_NM"] == KOSPI_NAME)
    totals = {"ACC_TRDVOL": data.kospi_volume, "ACC_TRDVAL": data.kospi_value, "MKTCAP": data.kospi_cap}
    a1 = session_positions()[RECORDED_DAYS[0]]
    draws = stream(seed, "kospi_family:values").standard_normal((n, k))
    out = {}
    for field, total in totals.items():
        column = np.zeros((n, k), dtype=np.int64)
        for j, row in enumerate(templates):
            if row[field] in MISSING:
                continue
            share = int(row[field]) / int(kospi_row[field])
            if row["IDX_NM"] == KOSPI_NAME:
                column[:, j] = total
                continue
            drift = np.zeros(n)
            if field == "MKTCAP" and row["CLSPRC_IDX"] not in MISSING:
                drift = (logs[:, j] - logs[a1, j]) - (log_kospi - log_kospi[a1])
            elif field != "MKTCAP" and row["CLSPRC_IDX"] not in MISSING:  # 외국주포함 stays the KOSPI's
                drift = 0.05 * draws[:, j]
            column[:, j] = round_half_up(total * share * np.exp(drift))
        out[field] = column
    return out


def _override_recorded(
    endpoint: str, templates: tuple[dict[str, str], ...], prices: dict[str, np.ndarray], values: dict[str, np.ndarray]
) -> None:
    """The recorded days' numbers, so the next session's change is measured from them."""
    for day in RECORDED_DAYS:
        t = session_positions()[day]
        served = {(r["IDX_CLSS"], r["IDX_NM"]): r for r in recorded_rows(endpoint, day) or ()}
        for j, template in enumerate(templates):
            row = served.get((template["IDX_CLSS"], template["IDX_NM"]))
            if row is None:
                continue
            for field in PRICE_FIELDS:
                prices[field][t, j] = _number(row[field], 2)
            for field in values:
                values[field][t, j] = _number(row[field], 0)


def rows(endpoint: str, seed: int, t: int) -> list[dict[str, str]]:
    """The OutBlock_1 of a generated or seed session at position t."""
    fam = family(endpoint, seed)
    day = f"{market(seed).sessions[t]:%Y%m%d}"
    out = []
    for j, template in enumerate(fam.templates):
        close = int(fam.prices["CLSPRC_IDX"][t, j])
        previous = int(fam.prices["CLSPRC_IDX"][t - 1, j]) if t else int(fam.first_previous[j])
        row = {"BAS_DD": day, "IDX_CLSS": template["IDX_CLSS"], "IDX_NM": template["IDX_NM"]}
        for field in PRICE_FIELDS:
            row[field] = "-" if template[field] in MISSING else fixed(int(fam.prices[field][t, j]), 2)
        if template["CLSPRC_IDX"] in MISSING or previous == 0:
            row["CMPPREVDD_IDX"] = row["FLUC_RT"] = "-"
        else:
            row["CMPPREVDD_IDX"] = fixed(close - previous, 2) if close != previous else "0.00"
            row["FLUC_RT"] = change_pct(close - previous, previous)
        for field in fam.values:
            row[field] = "-" if template[field] in MISSING else str(int(fam.values[field][t, j]))
        out.append(dict(sorted(row.items())))
    return out
