"""The simulators' own clock and calendar: Asia/Seoul days and XKRX sessions.

Kept apart from the product's definitions on purpose: a simulator that imported the client's
date rules would repeat the client's mistakes, and no test could see them.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import exchange_calendars

SEOUL = ZoneInfo("Asia/Seoul")


def seoul_today() -> date:
    """Today in Asia/Seoul, the day DART's and KRX's limits count by."""
    return datetime.now(SEOUL).date()


@lru_cache(maxsize=1)
def xkrx() -> exchange_calendars.ExchangeCalendar:
    return exchange_calendars.get_calendar("XKRX")
