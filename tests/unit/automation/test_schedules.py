"""Which partition each schedule tick picks, including around KRX holidays."""

from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from dart_assets.automation.schedules import (
    PIPELINE_SCHEDULES,
    dart_daily_catchup,
    dart_daily_evening,
    dart_weekly_sunday,
)
from dart_assets.ingestion.partitions import DAILY_PARTITIONS, WEEKLY_PARTITIONS

SEOUL = ZoneInfo("Asia/Seoul")


def tick(schedule: dg.ScheduleDefinition, when: str):
    context = dg.build_schedule_context(scheduled_execution_time=datetime.fromisoformat(when).replace(tzinfo=SEOUL))
    return schedule(context)


@pytest.mark.parametrize(
    "when, partition",
    [
        ("2026-11-26 18:30", "2026-11-26"),  # an ordinary Thursday
        ("2026-09-24 18:30", "2026-09-24"),  # Chuseok: KRX closed, DART filings still possible
        ("2026-12-31 18:30", "2026-12-31"),  # KRX year-end closure, DART open
    ],
)
def test_evening_run_loads_that_day(when: str, partition: str) -> None:
    request = tick(dart_daily_evening, when)
    assert request.partition_key == partition
    # end_offset=1 makes the running day a partition at tick time
    at_tick = datetime.fromisoformat(when).replace(tzinfo=SEOUL)
    assert DAILY_PARTITIONS.get_partition_keys(current_time=at_tick)[-1] == partition


@pytest.mark.parametrize(
    "when, partition",
    [
        ("2026-11-26 07:00", "2026-11-25"),  # Thursday morning -> Wednesday
        ("2026-11-30 07:00", "2026-11-27"),  # Monday morning -> Friday
        ("2026-09-24 07:00", "2026-09-23"),  # first Chuseok morning -> the last session before it
        ("2026-09-25 07:00", None),  # second holiday morning: already caught up
        ("2026-09-28 07:00", None),  # Monday after Chuseok: 23 Sep was caught up on the 24th
        ("2026-09-29 07:00", "2026-09-28"),
        ("2026-12-31 07:00", "2026-12-30"),  # year-end closure morning -> last 2026 session
        ("2027-01-04 07:00", None),  # New Year: 30 Dec was caught up on the 31st
    ],
)
def test_catchup_picks_previous_xkrx_session_once(when: str, partition: str | None) -> None:
    result = tick(dart_daily_catchup, when)
    if partition is None:
        assert isinstance(result, dg.SkipReason)
    else:
        assert result.partition_key == partition


@pytest.mark.parametrize(
    "when, partition",
    [
        ("2026-11-29 02:00", "2026-11-16"),  # the week 16-22 Nov is the last complete one
        ("2027-01-03 02:00", "2026-12-21"),
    ],
)
def test_weekly_run_loads_last_complete_week(when: str, partition: str) -> None:
    request = tick(dart_weekly_sunday, when)
    assert request.partition_key == partition
    assert partition in WEEKLY_PARTITIONS.get_partition_keys(
        current_time=datetime.fromisoformat(when).replace(tzinfo=SEOUL)
    )


def test_schedules_run_by_default_in_seoul_time() -> None:
    for schedule in PIPELINE_SCHEDULES:
        assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
        assert schedule.execution_timezone == "Asia/Seoul"
    assert dart_daily_evening.cron_schedule == "30 18 * * 1-5"
    assert dart_weekly_sunday.cron_schedule == "0 2 * * 0"
