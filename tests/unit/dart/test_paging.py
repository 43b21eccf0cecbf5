from datetime import date

import pytest

from dart_assets.sources.dart.errors import IncompleteListingError
from dart_assets.sources.dart.paging import Page, WindowResult, add_months, read_window, split_windows


def test_one_day_is_one_window():
    assert split_windows(date(2024, 1, 2), date(2024, 1, 2)) == [(date(2024, 1, 2), date(2024, 1, 2))]


def test_a_year_splits_into_calendar_quarters():
    windows = split_windows(date(2024, 1, 1), date(2024, 12, 31))
    assert windows == [
        (date(2024, 1, 1), date(2024, 3, 31)),
        (date(2024, 4, 1), date(2024, 6, 30)),
        (date(2024, 7, 1), date(2024, 9, 30)),
        (date(2024, 10, 1), date(2024, 12, 31)),
    ]


@pytest.mark.parametrize(
    ("bgn", "end"),
    [
        (date(2024, 1, 31), date(2025, 3, 3)),
        (date(2023, 11, 30), date(2024, 6, 1)),
        (date(2026, 2, 6), date(2026, 9, 9)),
    ],
)
def test_windows_are_contiguous_and_within_dart_three_month_limit(bgn, end):
    windows = split_windows(bgn, end)
    assert windows[0][0] == bgn and windows[-1][1] == end
    for (_a, b), (c, _) in zip(windows, windows[1:], strict=False):
        assert (c - b).days == 1
    for a, b in windows:
        assert a <= b <= add_months(a, 3)  # DART accepts bgn_de + 3 months >= end_de


def test_add_months_clamps_to_month_end():
    assert add_months(date(2024, 11, 30), 3) == date(2025, 2, 28)
    assert add_months(date(2023, 11, 30), 3) == date(2024, 2, 29)
    assert add_months(date(2024, 10, 15), 3) == date(2025, 1, 15)


def test_reversed_range_is_rejected():
    with pytest.raises(ValueError, match="before start"):
        split_windows(date(2024, 1, 3), date(2024, 1, 2))


def _listing(n):
    return [{"rcept_no": f"{i:014d}"} for i in range(n, 0, -1)]


class Shifting:
    """Pages of a newest-first listing; `events[k]` rows are inserted on top after the k-th fetch."""

    def __init__(self, listing, events=None, size=100):
        self.listing, self.events, self.size, self.fetches = listing, dict(events or {}), size, []

    def __call__(self, page_no):
        self.fetches.append(page_no)
        rows = self.listing[(page_no - 1) * self.size : page_no * self.size]
        page = Page(rows, len(self.listing), -(-len(self.listing) // self.size)) if self.listing else Page([], None, 0)
        for _ in range(self.events.pop(len(self.fetches), 0)):
            self.listing.insert(0, {"rcept_no": f"9{len(self.listing):013d}"})
        return page


def _window():
    return WindowResult(date(2024, 1, 2), date(2024, 1, 2))


def test_stable_listing_reads_each_page_once():
    fetch, window = Shifting(_listing(2000)), _window()
    rows = read_window(fetch, window)
    assert len(rows) == 2000 and fetch.fetches == list(range(1, 21))
    assert window.total_count == 2000 and window.reread_passes == 0


def test_new_filings_during_paging_are_caught_by_rereading_the_top():
    # 7 new filings after page 1 and 5 after page 2: rows slide across page boundaries.
    fetch, window = Shifting(_listing(250), {1: 7, 2: 5}), _window()
    rows = read_window(fetch, window)
    numbers = [r["rcept_no"] for r in rows]
    assert len(numbers) == len(set(numbers)) == 262 == window.total_count
    assert {r["rcept_no"] for r in fetch.listing} == set(numbers)
    assert fetch.fetches == [1, 2, 3, 1]  # one extra call for the filings that landed on top


def test_listing_that_never_adds_up_is_reported_not_silently_truncated():
    listing, calls = _listing(150), []

    def fetch(page_no):  # DART counts one row more than it ever serves
        calls.append(page_no)
        return Page(listing[(page_no - 1) * 100 : page_no * 100], 151, 2)

    with pytest.raises(IncompleteListingError, match="150 distinct rows but DART reports 151 after 2 re-reads"):
        read_window(fetch, _window(), max_reread_passes=2)
    assert calls == [1, 2, 1, 2, 1, 2]


def test_empty_day_costs_one_call():
    fetch, window = Shifting([]), _window()
    assert read_window(fetch, window) == [] and fetch.fetches == [1] and window.total_count == 0


def test_listing_that_shrinks_stops_at_no_data_and_rereads():
    listing, calls = _listing(150), []

    def fetch(page_no):
        calls.append(page_no)
        if len(calls) == 1:
            return Page(listing[:100], 150, 2)
        del listing[100:]  # 50 rows vanished after page 1: page 2 is now empty (013)
        rows = listing[(page_no - 1) * 100 : page_no * 100]
        return Page(rows, len(listing), 1) if rows else Page([], None, 0)

    window = _window()
    rows = read_window(fetch, window)
    assert len(rows) == 100 and calls == [1, 2, 1] and window.total_count == 100
