"""Korea Exchange business days (XKRX), the calendar DART's filing rhythm follows.

exchange-calendars keeps the holiday list (lunar holidays, substitute days, elections), so no
hand-written list goes stale.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import exchange_calendars as xcals
import pandas as pd


@lru_cache(maxsize=1)
def xkrx() -> xcals.ExchangeCalendar:
    return xcals.get_calendar("XKRX")


def previous_session(day: date) -> date:
    """The last XKRX session strictly before `day`."""
    return xkrx().date_to_session(pd.Timestamp(day - timedelta(days=1)), direction="previous").date()
