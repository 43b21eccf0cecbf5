"""Partitions shared by ingestion and the dbt assets downstream (CONTRACTS.md, "Partitions").

Daily keys are Asia/Seoul dates matching DART's rcept_dt; end_offset=1 makes today's partition
available, because the 18:30 weekday schedule loads the day that is still running.
Weekly partitions start on Monday (day_offset=1), Asia/Seoul. Market partitions are XKRX sessions.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pandas as pd

from dart_assets.core.calendar import xkrx

SEOUL = "Asia/Seoul"

DAILY_PARTITIONS = dg.DailyPartitionsDefinition(start_date="2015-01-01", timezone=SEOUL, end_offset=1)
WEEKLY_PARTITIONS = dg.WeeklyPartitionsDefinition(start_date="2015-01-05", day_offset=1, timezone=SEOUL)

DISCLOSURES_KEY = dg.AssetKey(["dart_raw", "disclosures"])
CORP_CODES_KEY = dg.AssetKey(["dart_raw", "corp_codes"])
FINANCIAL_ACCOUNTS_KEY = dg.AssetKey(["dart_raw", "financial_accounts"])
MAJOR_EVENTS_KEY = dg.AssetKey(["dart_raw", "major_events"])

DART_API_POOL = "dart_api"


def _xkrx_closed_weekdays(start: str) -> list[datetime]:
    """Weekdays the exchange is closed, from `start` to the end of the calendar (about a year
    ahead): exchange-calendars keeps the list (lunar holidays, substitute days, elections)."""
    calendar = xkrx()
    weekdays = pd.bdate_range(start, calendar.last_session)
    sessions = set(calendar.sessions_in_range(start, calendar.last_session))
    zone = ZoneInfo(SEOUL)
    return [datetime(d.year, d.month, d.day, tzinfo=zone) for d in weekdays if d not in sessions]


#: One partition per XKRX session (YYYY-MM-DD, Asia/Seoul) since 2020. end_offset=1 lists the
#: session of the current day too; the morning schedule loads the previous one, once published.
MARKET_START = "2020-01-02"
MARKET_PARTITIONS = dg.TimeWindowPartitionsDefinition(
    start=MARKET_START,
    fmt="%Y-%m-%d",
    cron_schedule="0 0 * * 1-5",
    timezone=SEOUL,
    end_offset=1,
    exclusions=_xkrx_closed_weekdays(MARKET_START),
)

KRX_API_POOL = "krx_api"
ECOS_API_POOL = "ecos_api"
