"""The demo's windows: every asset gets data whatever today's date, and the reading it prints."""

from __future__ import annotations

from datetime import date

import pytest

from dart_assets.core.calendar import xkrx
from dart_assets.demo import MARKET_SESSIONS, demo_windows, describe_reading, latest_deadline_week


@pytest.mark.parametrize(
    ("today", "monday"),
    [
        (date(2026, 12, 3), date(2026, 11, 9)),  # the Q3 deadline (14 Nov) week, over by now
        (date(2026, 11, 15), date(2026, 8, 10)),  # the week of 14 Nov is not over yet
        (date(2026, 4, 8), date(2026, 3, 30)),  # the annual report deadline, 31 March
        (date(2026, 1, 5), date(2025, 11, 10)),  # across the new year
    ],
)
def test_the_financials_window_is_the_latest_finished_deadline_week(today: date, monday: date) -> None:
    assert latest_deadline_week(today) == monday and monday.weekday() == 0


def test_windows_end_with_the_last_session_before_today_and_cover_52_weeks() -> None:
    windows = demo_windows(date(2026, 12, 3))
    assert windows.market_sessions[1] == "2026-12-02"
    first, last = windows.market_sessions
    assert len(xkrx().sessions_in_range(first, last)) == MARKET_SESSIONS > 251 + 20
    assert windows.weeks == ("2026-11-02", "2026-11-09") and windows.dart_days == ("2026-11-02", "2026-12-02")


def test_the_reading_names_value_label_components_and_a_missing_session() -> None:
    row = {
        "date": date(2026, 11, 30),
        "value": 51.46,
        "label": "neutral",
        "momentum_score": 51.6,
        "breadth_score": None,
    }
    lines = describe_reading(row, expected=date(2026, 12, 2))
    assert lines[0] == "Fear & Greed index for 2026-11-30: 51.5 (neutral)"
    assert "2026-12-02" in lines[1] and any(line.split() == ["momentum", "51.6"] for line in lines)
    assert any(line.split() == ["breadth", "-"] for line in lines)
    assert describe_reading(None, date(2026, 12, 2))[0].startswith("No Fear & Greed reading yet")
