"""Which partition each schedule tick picks, including around KRX holidays."""

from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from dart_assets.core.partitions import DAILY_PARTITIONS, MARKET_PARTITIONS, WEEKLY_PARTITIONS
from dart_assets.scheduling.schedules import (
    PIPELINE_SCHEDULES,
    dart_daily_catchup,
    dart_daily_evening,
    dart_weekly_sunday,
    market_daily_morning,
)

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
        ("2026-09-25 07:00", "2026-09-24"),  # holidays had their 18:30 runs: each is caught up
        ("2026-09-28 07:00", "2026-09-25"),
        ("2026-12-31 07:00", "2026-12-30"),
        ("2026-01-02 07:00", "2026-01-01"),
        ("2027-01-01 07:00", "2026-12-31"),  # filings after 18:30 on 31 December (KRX closed) are reloaded
    ],
)
def test_catchup_reloads_the_previous_weekday(when: str, partition: str) -> None:
    assert tick(dart_daily_catchup, when).partition_key == partition


@pytest.mark.parametrize(
    "when, partition",
    [
        ("2026-12-02 09:10", "2026-12-01"),  # Wednesday morning -> Tuesday's session
        ("2026-11-28 09:10", "2026-11-27"),  # Saturday morning -> Friday's session
        ("2026-09-24 09:10", "2026-09-23"),  # first Chuseok morning -> the last session before it
        ("2026-09-25 09:10", None),  # later holiday mornings: already loaded
        ("2026-09-26 09:10", None),
        ("2026-09-29 09:10", "2026-09-28"),  # Tuesday after Chuseok -> Monday's session
        ("2027-01-05 09:10", "2027-01-04"),  # the first session of 2027
    ],
)
def test_market_morning_loads_the_previous_session_once(when: str, partition: str | None) -> None:
    result = tick(market_daily_morning, when)
    if partition is None:
        assert isinstance(result, dg.SkipReason)
        return
    assert result.partition_key == partition
    at_tick = datetime.fromisoformat(when).replace(tzinfo=SEOUL)
    assert partition in MARKET_PARTITIONS.get_partition_keys(current_time=at_tick)


def test_market_partitions_are_xkrx_sessions() -> None:
    keys = MARKET_PARTITIONS.get_partition_keys(current_time=datetime(2026, 12, 2, 10, tzinfo=SEOUL))
    assert keys[0] == "2020-01-02" and keys[-1] == "2026-12-02"
    assert "2024-02-09" not in keys and "2024-02-12" not in keys  # Seollal and its substitute day
    assert "2025-12-31" not in keys and "2026-09-24" not in keys  # year-end closure, Chuseok
    assert len([k for k in keys if k.startswith("2024")]) == 244  # KRX's 2024 trading days


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
    assert market_daily_morning.cron_schedule == "10 9 * * 2-6"
