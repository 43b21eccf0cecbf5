"""Which days the market simulator knows, and its deterministic random streams.

KRX days are XKRX sessions from 2020-01-02 to the end of exchange-calendars' XKRX calendar (about
a year ahead); ECOS days are every weekday from 2019-11-01 (ECOS quotes some days KRX is closed).
Each random quantity comes from its own named stream, drawn day by day in session order: a longer
calendar appends days without changing the earlier ones, so a day's values depend only on the
seed and the days before it, never on today's date.
"""

from __future__ import annotations

import zlib
from datetime import date, timedelta
from functools import lru_cache

import numpy as np
import pandas as pd

from simulators.clock import xkrx

FIRST_SESSION = date(2020, 1, 2)
ECOS_START = date(2019, 11, 1)


@lru_cache(maxsize=1)
def all_sessions() -> tuple[date, ...]:
    calendar = xkrx()
    found = calendar.sessions_in_range(pd.Timestamp(FIRST_SESSION), calendar.last_session)
    return tuple(day.date() for day in found)


@lru_cache(maxsize=1)
def session_positions() -> dict[date, int]:
    return {day: position for position, day in enumerate(all_sessions())}


@lru_cache(maxsize=1)
def all_weekdays() -> tuple[date, ...]:
    days, day = [], ECOS_START
    while day <= all_sessions()[-1]:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return tuple(days)


@lru_cache(maxsize=1)
def weekday_positions() -> dict[date, int]:
    return {day: position for position, day in enumerate(all_weekdays())}


def stream(seed: int, name: str) -> np.random.Generator:
    """The generator of one named quantity: independent of every other stream and of the horizon."""
    return np.random.default_rng([seed % 2**32, zlib.crc32(name.encode())])


def interpolate(known: dict[int, float], length: int) -> np.ndarray:
    """Values at positions 0..length-1: known ones kept, gaps between them linear, NaN outside."""
    values = np.full(length, np.nan)
    if not known:
        return values
    positions = np.array(sorted(known))
    inside = np.arange(positions[0], positions[-1] + 1)
    values[inside] = np.interp(inside, positions, [known[p] for p in positions])
    return values
