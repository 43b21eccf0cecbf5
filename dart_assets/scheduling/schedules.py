"""Schedules (Asia/Seoul) for the three pipeline jobs.

All start RUNNING, so a fresh deployment with a daemon loads data without anyone switching
them on. The partition each tick picks is a pure function of the tick time (unit-tested):

- `dart_daily` at 18:30 every weekday loads that day. It also runs on weekdays the exchange is
  closed (e.g. 31 December), because DART still accepts filings then; a day without filings
  costs one API call.
- `dart_daily` catch-up at 07:00 on weekdays reloads the previous weekday, because filings
  keep arriving after 18:30 (on exchange holidays too: DART accepts filings on 31 December).
- `market_daily` at 09:10 Tuesday to Saturday loads the previous XKRX session (KRX publishes a
  session after midnight, before 09:00 the next day), skipping mornings whose previous session an
  earlier morning already loaded (after a holiday), like the catch-up.
- `dart_weekly` at 02:00 on Sundays loads the last complete week (Monday-start partitions; the
  week that ends tonight is not a partition yet).
- `dart_corp_codes` at 01:00 on Sundays, before the financials that join on it.
- `dart_source_freshness` (dbt source freshness as asset checks) at 20:30 every day, after the
  evening load; the asset-check alert sensor reports a stale source.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import dagster as dg

from dart_assets.core.calendar import previous_session
from dart_assets.core.partitions import SEOUL

DAILY_JOB = "dart_daily"
MARKET_JOB = "market_daily"
WEEKLY_JOB = "dart_weekly"
CORP_CODES_JOB = "dart_corp_codes"
SOURCE_FRESHNESS_JOB = "dart_source_freshness"
PIPELINE_JOBS = (DAILY_JOB, MARKET_JOB, WEEKLY_JOB, CORP_CODES_JOB)  # the loads: dead letters are re-driven
SCHEDULED_JOBS = (*PIPELINE_JOBS, SOURCE_FRESHNESS_JOB)
TRIGGER_TAG = "dart_fg/trigger"
RUNNING = dg.DefaultScheduleStatus.RUNNING


def seoul_date(when: datetime) -> date:
    """The Asia/Seoul calendar date of a tick (ticks arrive timezone-aware)."""
    return when.astimezone(ZoneInfo(SEOUL)).date()


def evening_partition(tick: datetime) -> str:
    return seoul_date(tick).isoformat()


def previous_weekday(day: date) -> date:
    return day - timedelta(days=3 if day.weekday() == 0 else 1)


def catchup_partition(tick: datetime) -> str:
    """The previous weekday: its 18:30 run happened (the evening schedule runs on exchange
    holidays too), and filings that arrived after it are reloaded, 31 December included."""
    return previous_weekday(seoul_date(tick)).isoformat()


def market_partition(tick: datetime) -> str | None:
    """The previous XKRX session, or None when an earlier morning already loaded it."""
    today = seoul_date(tick)
    target = previous_session(today)
    if previous_session(previous_weekday(today)) == target:
        return None
    return target.isoformat()


def weekly_partition(tick: datetime) -> str:
    """Monday of the last complete Monday-to-Sunday week before the tick."""
    today = seoul_date(tick)
    return (today - timedelta(days=today.weekday() + 7)).isoformat()


@dg.schedule(
    job_name=DAILY_JOB,
    cron_schedule="30 18 * * 1-5",
    execution_timezone=SEOUL,
    default_status=RUNNING,
    description="Today's disclosures and everything downstream, at 18:30 on weekdays.",
)
def dart_daily_evening(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    partition = evening_partition(context.scheduled_execution_time)
    return dg.RunRequest(run_key=f"evening-{partition}", partition_key=partition, tags={TRIGGER_TAG: "evening"})


@dg.schedule(
    job_name=DAILY_JOB,
    cron_schedule="0 7 * * 1-5",
    execution_timezone=SEOUL,
    default_status=RUNNING,
    description="Reload the previous weekday for filings that arrived after its 18:30 run.",
)
def dart_daily_catchup(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    partition = catchup_partition(context.scheduled_execution_time)
    return dg.RunRequest(run_key=f"catchup-{partition}", partition_key=partition, tags={TRIGGER_TAG: "catchup"})


@dg.schedule(
    job_name=MARKET_JOB,
    cron_schedule="10 9 * * 2-6",
    execution_timezone=SEOUL,
    default_status=RUNNING,
    description="The previous XKRX session's market data and the index, the morning after (09:10).",
)
def market_daily_morning(context: dg.ScheduleEvaluationContext) -> dg.RunRequest | dg.SkipReason:
    partition = market_partition(context.scheduled_execution_time)
    if partition is None:
        return dg.SkipReason("the previous session was already loaded on an earlier morning")
    return dg.RunRequest(run_key=f"market-{partition}", partition_key=partition, tags={TRIGGER_TAG: "morning"})


@dg.schedule(
    job_name=WEEKLY_JOB,
    cron_schedule="0 2 * * 0",
    execution_timezone=SEOUL,
    default_status=RUNNING,
    description="Financial statements of the last complete week, Sundays 02:00.",
)
def dart_weekly_sunday(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    partition = weekly_partition(context.scheduled_execution_time)
    return dg.RunRequest(run_key=f"weekly-{partition}", partition_key=partition, tags={TRIGGER_TAG: "weekly"})


dart_corp_codes_weekly = dg.ScheduleDefinition(
    name="dart_corp_codes_weekly",
    job_name=CORP_CODES_JOB,
    cron_schedule="0 1 * * 0",
    execution_timezone=SEOUL,
    default_status=RUNNING,
    tags={TRIGGER_TAG: "weekly"},
    description="Refresh the company master, Sundays 01:00 (before the financials).",
)

dart_source_freshness_daily = dg.ScheduleDefinition(
    name="dart_source_freshness_daily",
    job_name=SOURCE_FRESHNESS_JOB,
    cron_schedule="30 20 * * *",
    execution_timezone=SEOUL,
    default_status=RUNNING,
    description="dbt source freshness of dart_raw at 20:30, after the evening load.",
)

PIPELINE_SCHEDULES = [
    dart_daily_evening,
    dart_daily_catchup,
    market_daily_morning,
    dart_weekly_sunday,
    dart_corp_codes_weekly,
    dart_source_freshness_daily,
]
