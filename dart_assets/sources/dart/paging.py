"""Reading a list.json range completely: windows, pages, de-duplication, reconciliation.

DART caps a market-wide query at 3 calendar months and a page at 100 rows, and it sorts newest
first. Filings that arrive while we page push older rows down across page boundaries (we see
some twice) and add rows above the pages already read (we miss them); the last rows move past
the page count we started with. So: rows are keyed by `rcept_no`; each page's own
`total_count`/`total_page` drive how far to read; and when the distinct rows fall short of the
latest `total_count`, pages are re-read from the top (where new filings land) until they match.
In the common case that costs one extra call, and none when nothing moved.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from dart_assets.sources.dart.errors import IncompleteListingError

LIST_FIELDS = ("corp_code", "corp_name", "stock_code", "corp_cls", "report_nm", "rcept_no", "flr_nm", "rcept_dt", "rm")
#: What dart_raw.disclosures stores of a filing: the list.json fields and the category DART
#: filed it under (known from a categorised read; None otherwise).
DISCLOSURE_FIELDS = (*LIST_FIELDS, "pblntf_ty")
PAGE_COUNT = 100
#: DART's publication categories (`pblntf_ty`): periodic, major event, issuance, holdings, other,
#: external audit, fund, asset-backed, exchange, Fair Trade Commission.
PUBLICATION_TYPES = tuple("ABCDEFGHIJ")
WINDOW_MONTHS = 3


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, str]]
    #: None when DART answered 013 (no data): the listing ends before this page
    total_count: int | None
    total_page: int


@dataclass(frozen=True)
class Progress:
    window_index: int  # 1-based
    windows: int
    bgn_de: date
    end_de: date
    page_no: int
    total_page: int
    rows: int  # distinct rows of this window so far
    total_count: int  # DART's latest total for this window


@dataclass
class WindowResult:
    bgn_de: date
    end_de: date
    total_count: int = 0
    pages_read: int = 0
    reread_passes: int = 0


@dataclass
class ListResult:
    rows: list[dict[str, str]] = field(default_factory=list)
    total_count: int = 0
    windows: list[WindowResult] = field(default_factory=list)


def add_months(day: date, months: int) -> date:
    """`day` moved by whole calendar months, clamped to the month's end (Jan 31 + 1 -> Feb 28/29)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def split_windows(bgn_de: date, end_de: date, months: int = WINDOW_MONTHS) -> list[tuple[date, date]]:
    """Consecutive inclusive windows covering [bgn_de, end_de], each at most `months` calendar months.

    A window ends the day before the same date `months` later (Jan 1 -> Mar 31), inside the limit
    DART enforces (`bgn_de + 3 months >= end_de`), so no window is ever refused with status 100.
    """
    if end_de < bgn_de:
        raise ValueError(f"end date {end_de} is before start date {bgn_de}")
    windows = []
    start = bgn_de
    while start <= end_de:
        stop = min(end_de, add_months(start, months) - timedelta(days=1))
        windows.append((start, stop))
        start = stop + timedelta(days=1)
    return windows


def read_window(
    fetch_page: Callable[[int], Page],
    window: WindowResult,
    *,
    on_page: Callable[[int, int, int, int], None] | None = None,
    max_reread_passes: int = 3,
) -> list[dict[str, str]]:
    """Every distinct row of one window, each in the latest version seen (rm changes after the fact).

    `fetch_page(page_no)` returns one page; `on_page(page_no, total_page, rows, total_count)`
    reports progress. Raises IncompleteListingError when the listing still does not add up after
    `max_reread_passes` re-reads.
    """
    rows: dict[str, dict[str, str]] = {}
    last_page = 1

    def read(page_no: int) -> None:
        nonlocal last_page
        page = fetch_page(page_no)
        window.pages_read += 1
        for row in page.rows:
            rows[row["rcept_no"]] = row
        if page.total_count is None:  # 013: nothing at or after this page any more
            last_page = min(last_page, page_no - 1)
        else:
            window.total_count, last_page = page.total_count, page.total_page
        if on_page:
            on_page(page_no, last_page, len(rows), window.total_count)

    page_no = 1
    while page_no <= last_page:
        read(page_no)
        page_no += 1
    while len(rows) < window.total_count:
        if window.reread_passes == max_reread_passes:
            raise IncompleteListingError(
                "list.json",
                f"{window.bgn_de}..{window.end_de}: {len(rows)} distinct rows but DART reports "
                f"{window.total_count} after {max_reread_passes} re-reads; the listing kept changing",
            )
        window.reread_passes += 1
        page_no = 1
        while page_no <= last_page and len(rows) < window.total_count:
            read(page_no)
            page_no += 1
    return list(rows.values())
