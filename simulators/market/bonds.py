"""bon/kts_bydd_trd: the government bond market (국채전문유통시장) of a session, like the recording.

The benchmark (지표) issue of each tenor 2, 3, 5, 10, 20 and 30 years, the inflation-linked
10-year benchmark (물가..., placed before the nominal 10-year as in the recording, so "the first
10-year 지표 row" is the wrong one), and the previous benchmarks (경과) of five tenors. The
nominal 10-year 지표 yield is the ECOS 10-year KTB yield of the day (the seed's ten_ratio); the
3-year is ECOS's 3-year; the other tenors lie on a curve through them. Benchmarks roll every six
months; prices are per 10,000 won of face value from the yield.
"""

from __future__ import annotations

import math
from datetime import date

from simulators.market.days import all_weekdays, stream, weekday_positions
from simulators.market.formatting import fixed
from simulators.market.series import market, rates

MARKET = "국채전문유통시장"
# tenor -> (benchmark issue months, KRX code digit, issue number within its half-year)
TENORS = {
    2: ((3, 9), "3", 8),
    3: ((6, 12), "1", 10),
    5: ((3, 9), "1", 6),
    10: ((6, 12), "2", 11),
    20: ((3, 9), "4", 9),
    30: ((3, 9), "2", 7),
}
SEASONED = (2, 3, 10, 20, 30)
LINKER_TENOR = 10
# KRX ISIN year letters of government bonds: 2015 '5' ... 2019 '9', 2020 'A', 2023 'D', 2026 'G'
_YEAR_LETTERS = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"


def isin_check_digit(body: str) -> str:
    """The ISIN check digit (letters as 10..35, then Luhn), as KRX's codes carry it."""
    digits = "".join(str(int(char, 36)) for char in body)
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return str((10 - total % 10) % 10)


def _curve(ktb3: int, ktb10: int) -> dict[int, int]:
    """Closing yields (thousandths of a percent) of the tenors, through the 3- and 10-year."""
    slope = ktb10 - ktb3
    return {
        2: ktb3 - round(slope / 7) - 15,
        3: ktb3,
        5: ktb3 + round(2 * slope / 7) + 10,
        10: ktb10,
        20: ktb10 - 40,
        30: ktb10 - 70,
    }


def _benchmark(day: date, tenor: int, back: int = 0) -> tuple[int, int]:
    """(year, month) of the benchmark issue of `tenor` on `day`, `back` half-years earlier."""
    months = TENORS[tenor][0]
    year, month = day.year, day.month
    while month not in months:
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    for _ in range(back):
        year, month = (year, months[0]) if month == months[1] else (year - 1, months[1])
    return year, month


def _coupon(seed: int, year: int, month: int, tenor: int) -> int:
    """Coupon (thousandths of a percent) at issue: the yield then, rounded down to 0.125%."""
    weekdays, positions = all_weekdays(), weekday_positions()
    day = max(date(year, month, 1), weekdays[0])
    while day not in positions:
        day = date.fromordinal(day.toordinal() + 1)
    levels = rates(seed)
    yields = _curve(int(levels.ktb3[positions[day]]), int(levels.ktb10[positions[day]]))
    return max(125, yields[tenor] // 125 * 125)


def _price(yield_units: int, coupon_units: int, years: float) -> float:
    """Price per 10,000 face with semi-annual coupons over `years` to maturity."""
    y, c, periods = yield_units / 100_000 / 2, coupon_units / 100_000 / 2, max(years * 2, 0.01)
    annuity = (1 - (1 + y) ** -periods) / y if y > 0 else periods
    return 10_000 * (c * annuity + (1 + y) ** -periods)


def _issue(seed: int, day: date, tenor: int, back: int, linker: bool) -> tuple[str, str, int, date]:
    """(ISU_CD, ISU_NM, coupon, maturity) of a benchmark issue."""
    if linker:  # inflation-linked: a new 10-year every second June
        year = day.year if day.year % 2 == 0 else day.year - 1
        if year == day.year and day.month < 6:
            year -= 2
        year, month = year - 2 * back, 6
        coupon = max(125, _coupon(seed, year, month, tenor) - 2_200) // 125 * 125
        kind, number, digit = "물가", 6, "3"
    else:
        year, month = _benchmark(day, tenor, back)
        coupon = _coupon(seed, year, month, tenor)
        kind, number, digit = "국고", TENORS[tenor][2] - (5 if month <= 6 else 0), TENORS[tenor][1]
    maturity = date(year + tenor, month, 10)
    name = f"{kind}{coupon:05d}-{maturity:%y%m}({year % 100:02d}-{number})"
    body = f"KR10350{digit}G{_YEAR_LETTERS[year - 2010]}{'123456789ABC'[maturity.month - 1]}"
    return body + isin_check_digit(body), name, coupon, maturity


def rows(seed: int, t: int) -> list[dict[str, str]]:
    """The OutBlock_1 of a generated or seed session at position t."""
    sessions = market(seed).sessions
    day = sessions[t]
    previous_day = sessions[t - 1] if t else day
    levels, positions = rates(seed), weekday_positions()
    today = _curve(int(levels.ktb3[positions[day]]), int(levels.ktb10[positions[day]]))
    before = _curve(int(levels.ktb3[positions[previous_day]]), int(levels.ktb10[positions[previous_day]]))
    rng = stream(seed, f"bonds:{day}")
    plan = (
        [(tenor, 0, False) for tenor in (2, 3, 5)]
        + [(LINKER_TENOR, 0, True)]
        + [(tenor, 0, False) for tenor in (10, 20, 30)]
    )
    plan += [(tenor, 1, False) for tenor in SEASONED]
    out = []
    for tenor, back, linker in plan:
        code, name, coupon, maturity = _issue(seed, day, tenor, back, linker)
        years = (maturity - day).days / 365.25
        spread = (-2_300 if linker else 0) + (round(3 + 12 * rng.random()) if back else 0)
        close_yield = max(today[tenor] + spread, 10)
        previous_yield = max(before[tenor] + spread, 10)
        wiggle = rng.random(3)
        low_yield = close_yield - round(wiggle[0] * 12)
        high_yield = close_yield + round(wiggle[1] * 15)
        open_yield = min(max(previous_yield + round((wiggle[2] - 0.5) * 16), low_yield), high_yield)
        price = {
            k: round(_price(v, coupon, years), 1)
            for k, v in (("close", close_yield), ("open", open_yield), ("high", low_yield), ("low", high_yield))
        }
        previous_price = round(_price(previous_yield, coupon, years + (day - previous_day).days / 365.25), 1)
        face = int(max(1, round(math.exp(rng.normal(math.log(600 if not back else 20), 0.6)))) * 1_000_000_000)
        out.append(
            {
                "ACC_TRDVAL": str(round(face * price["close"] / 10_000)),
                "ACC_TRDVOL": str(face),
                "BAS_DD": f"{day:%Y%m%d}",
                "BND_EXP_TP_NM": str(tenor),
                "CLSPRC": f"{price['close']:.1f}",
                "CLSPRC_YD": fixed(close_yield, 3),
                "CMPPREVDD_PRC": "" if back else f"{price['close'] - previous_price:.1f}",
                "GOVBND_ISU_TP_NM": "경과" if back else "지표",
                "HGPRC": f"{price['high']:.1f}",
                "HGPRC_YD": fixed(low_yield, 3),
                "ISU_CD": code,
                "ISU_NM": name,
                "LWPRC": f"{price['low']:.1f}",
                "LWPRC_YD": fixed(high_yield, 3),
                "MKT_NM": MARKET,
                "OPNPRC": f"{price['open']:.1f}",
                "OPNPRC_YD": fixed(open_yield, 3),
            }
        )
    return out
