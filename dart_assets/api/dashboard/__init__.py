"""The dashboard: one server-rendered page at /dashboard (and / redirects there), no key needed.

It reads through the API's own queries (dart_assets/api/queries.py), on one connection with the
API's statement timeout, and answers HTML whose charts are inline SVG drawn here (charts.py):
no script, nothing fetched from elsewhere, a Content-Security-Policy that allows only the page's
own stylesheet. A mart or table that is not built yet blanks its section instead of the page.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.responses import HTMLResponse, RedirectResponse

from dart_assets.api import queries
from dart_assets.api.dashboard import page
from dart_assets.api.pagination import MIN_DATE

log = logging.getLogger(__name__)

PATH = "/dashboard"
HISTORY_YEARS = 10
SENTIMENT_DAYS = 365
MOVERS = 10
# The history's range buttons: name, days back from the latest index date (None: everything).
RANGES: tuple[tuple[str, int | None], ...] = (("1M", 31), ("3M", 92), ("6M", 183), ("1Y", 366), ("All", None))
DEFAULT_RANGE = "1Y"


def _years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def _month_before(d: date) -> date:
    year, month = (d.year, d.month - 1) if d.month > 1 else (d.year - 1, 12)
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _section(conn: sa.Connection, missing: list[str], name: str, fn: Callable[[], Any], default: Any = None) -> Any:
    """`fn()` in a savepoint; a table that does not exist yet leaves `default` and a note."""
    try:
        with conn.begin_nested():
            return fn()
    except sa.exc.ProgrammingError as exc:
        if "does not exist" not in str(exc.orig):
            raise
        missing.append(name)
        return default


def collect(conn: sa.Connection, today: date) -> dict[str, Any]:
    """Everything the page shows, as of `today` (Asia/Seoul)."""
    missing: list[str] = []
    data: dict[str, Any] = {"today": today, "missing": missing}

    latest = _section(conn, missing, "fear_greed_index", lambda: queries.fear_greed_as_of(conn, [today])[0])
    data["latest"] = latest
    if latest:
        on: date = latest["date"]
        targets = [
            ("전일", "previous close", on - timedelta(days=1)),
            ("1주 전", "1 week ago", on - timedelta(days=7)),
            ("1개월 전", "1 month ago", _month_before(on)),
            ("1년 전", "1 year ago", _years_before(on, 1)),
        ]
        found = queries.fear_greed_as_of(conn, [t for _, _, t in targets])
        data["compare"] = [
            {"ko": ko, "en": en, "target": t, "row": row} for (ko, en, t), row in zip(targets, found, strict=True)
        ]
        data["weights"] = _section(conn, missing, "index_weights", lambda: queries.index_weights(conn, on), [])
        start = max(MIN_DATE, _years_before(on, HISTORY_YEARS))
        data["history"] = queries.page(conn, queries.MARTS["fear-greed"], start=start, end=on, limit=5000)
        data["kospi"] = _section(
            conn, missing, "market_raw.kospi_index", lambda: queries.kospi_closes(conn, start, on), []
        )

    filing_day = _section(conn, missing, "disclosure_impact_scores", lambda: queries.latest_filing_date(conn, today))
    data["filing_day"] = filing_day
    data["movers"] = queries.top_movers(conn, today, MOVERS) if filing_day else []
    data["events"] = (
        _section(conn, missing, "market_moving_events", lambda: queries.events_on(conn, filing_day), [])
        if filing_day
        else []
    )
    end = filing_day or today
    data["sentiment"] = _section(
        conn,
        missing,
        "daily_disclosure_sentiment",
        lambda: queries.page(
            conn,
            queries.MARTS["sentiment"],
            start=end - timedelta(days=SENTIMENT_DAYS),
            end=end,
            limit=SENTIMENT_DAYS + 1,
        ),
        [],
    )
    data["sentiment_range"] = (end - timedelta(days=SENTIMENT_DAYS), end)

    data["loads"] = queries.partition_status(conn)
    data["incidents"] = queries.open_incidents(conn)
    data["quota"] = queries.quota_used(conn, today)
    data["dead_letters"] = queries.dead_letters_open(conn)
    data["breakers"] = queries.breakers(conn)
    return data


def _budgets() -> dict[str, int | None]:
    from dart_assets.core.settings import SettingsError, get_settings

    try:
        settings = get_settings()
    except SettingsError:
        return {"dart": None, "market": None}
    return {"dart": settings.daily_call_budget, "market": settings.market_daily_call_budget}


def install(app: FastAPI, read: Callable[..., Any], today: Callable[[], date]) -> None:
    """Add / and /dashboard to `app`; `read(fn, *args)` runs `fn(conn, *args)` as the API does."""

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return RedirectResponse(PATH, status_code=307)

    @app.get(PATH, include_in_schema=False, response_class=HTMLResponse)
    def dashboard() -> HTMLResponse:
        started = time.perf_counter()
        data = read(collect, today())
        data["budgets"] = _budgets()
        data["generated_at"] = datetime.now(UTC)
        html = page.render(data, ranges=RANGES, default_range=DEFAULT_RANGE)
        log.debug("dashboard rendered in %.3f s", time.perf_counter() - started)
        return HTMLResponse(
            html,
            headers={
                "Content-Security-Policy": page.CSP,
                "Cache-Control": "no-store",
                "Server-Timing": f"render;dur={(time.perf_counter() - started) * 1000:.1f}",
            },
        )
