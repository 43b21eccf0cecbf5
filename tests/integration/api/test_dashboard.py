"""The dashboard (/dashboard) in a real browser against a demo-sized warehouse.

The warehouse is built as the transform tests build theirs: real recorded filings (110 large
caps for a year, every filing of 2022-01-03, one company's history and financials) and about
300 XKRX sessions of market data (the demo backfills 275) in market_raw, then the real dbt
models. The app is served by uvicorn on 127.0.0.1 in a thread and driven by Debian's Chromium
through Playwright (`make browser` installs it, and the Korean fonts).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from dart_assets.alerting.alerts import Finding, raise_incident
from dart_assets.alerting.channels import LogChannel
from dart_assets.api.app import create_app
from dart_assets.api.dashboard import page
from dart_assets.core.settings import get_settings
from dart_assets.warehouse.migrate import upgrade
from tests.support import samples
from tests.support.dbt import run_dbt
from tests.support.market_rows import fill_market_raw

MARKET_START, MARKET_END = date(2025, 1, 2), date(2026, 3, 16)
# The dashboard's "now": the evening of the last session, Asia/Seoul (09:00 UTC = 18:00 KST).
NOW = datetime(2026, 3, 16, 9, 0, tzinfo=UTC)
TODAY = date(2026, 3, 16)
CHROMIUM = os.environ.get("DART_FG_CHROMIUM", "/usr/bin/chromium")
DESKTOP, PHONE = {"width": 1280, "height": 800}, {"width": 390, "height": 844}
LOAD_BUDGET_MS = 1000


# --- without a browser: the small marts of conftest.py --------------------------------------


def test_dashboard_needs_no_key_and_allows_nothing_foreign(marts: sa.Engine) -> None:
    client = TestClient(create_app(marts, clock=lambda: datetime(2026, 9, 16, 3, tzinfo=UTC)))
    r = client.get("/dashboard")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert r.headers["content-security-policy"] == page.CSP
    assert "script-src" not in page.CSP and "default-src 'none'" in page.CSP
    html = r.text
    assert 'id="gauge-value" data-value="56" data-date="2026-09-16">56.00<' in html  # 40 + 16
    assert "<script" not in html and " src=" not in html  # nothing runs, nothing loads
    # The weights in force on 2026-09-16 and the neutral-free movers of that day (the conftest
    # scores are 50 + length % 7 = 50 + 0: every filing is neutral, so none moves).
    assert 'data-component="disclosure_sentiment"' in html and 'data-weight="0.4"' in html
    assert 'id="no-movers"' in html
    redirect = client.get("/", follow_redirects=False)
    assert redirect.status_code == 307 and redirect.headers["location"] == "/dashboard"
    assert "/dashboard" not in client.get("/api/dart/openapi.json").text


def test_dashboard_before_any_model_is_built(engine: sa.Engine) -> None:
    """A fresh warehouse (migrations only): the page says what is missing instead of failing."""
    r = TestClient(create_app(engine)).get("/dashboard")
    assert r.status_code == 200, r.text
    assert 'id="no-index"' in r.text and "Not built yet: fear_greed_index" in r.text
    assert "nothing loaded yet" in r.text


# --- in Chromium, against the demo-sized warehouse ------------------------------------------


@pytest.fixture(scope="module")
def demo_warehouse(pg_server_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[sa.Engine]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(pg_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(pg_server_url).set(database=name).render_as_string(hide_password=False)
    engine = sa.create_engine(url)
    try:
        upgrade(url)
        fill_market_raw(engine, MARKET_START, MARKET_END)
        samples.load_disclosures(engine, samples.list_rows())
        samples.load_disclosures(engine, samples.web_list_rows())
        samples.load_disclosures(engine, samples.company_list_rows())
        samples.load_financials(engine)
        # Models and seeds only: the dbt tests run in tests/integration/transform.
        result = run_dbt(
            ["build", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"],
            url,
            tmp_path_factory.mktemp("dbt_target"),
        )
        assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
        _operational_state(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _operational_state(engine: sa.Engine) -> None:
    """What a running pipeline leaves in dart_ops: loads, an open incident, today's calls."""
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO dart_ops.partition_loads "
                "(asset_key, partition_key, total_count, fetched, inserted, loaded_at) "
                "VALUES ('dart_raw/disclosures', '2026-03-13', 40, 40, 40, now() - interval '3 days'), "
                "('dart_raw/disclosures', '2026-03-16', 35, 35, 35, now() - interval '2 hours'), "
                "('market_raw/kospi_index', '2026-03-16', 2, 2, 2, now() - interval '1 hour')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO dart_ops.api_quota_usage (key_id, usage_date, calls) "
                "VALUES ('0a1b2c3d4e5f', :day, 1234), ('KRX:9f8e7d6c5b4a', :day, 42)"
            ),
            {"day": TODAY},
        )
    raise_incident(
        engine,
        [LogChannel()],
        "freshness:market_raw/stock_trades",
        "freshness",
        Finding("market_raw/stock_trades: last load 5 days ago (limit 4 days)"),
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(demo_warehouse: sa.Engine) -> Iterator[str]:
    """The app on 127.0.0.1 (a free port) in a thread, stopped at the end of the module."""
    import uvicorn

    app = create_app(demo_warehouse, clock=lambda: NOW)
    config = uvicorn.Config(app, host="127.0.0.1", port=_free_port(), log_level="warning", access_log=False)
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, name="dashboard-uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{config.port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        reason = f"no Chromium at {CHROMIUM}: `make browser` installs it (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(reason)  # CI can install it: a skipped browser test there is a failure
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield b
        finally:
            b.close()


def _fetch_all(engine: sa.Engine, sql: str, **params: Any) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.text(sql), params).mappings()]


def _load_ms(pg: Any) -> dict[str, float]:
    nav = pg.evaluate("performance.getEntriesByType('navigation')[0].toJSON()")
    return {k: round(nav[k], 1) for k in ("responseStart", "responseEnd", "domContentLoadedEventEnd", "loadEventEnd")}


def _open(browser: Any, server: str, viewport: dict[str, int]) -> tuple[Any, Any, list[str]]:
    """A fresh page on the dashboard; the browser is warmed on the API's health endpoint first,
    so that the load measured is the dashboard's, not Chromium's or the thread pool's first start."""
    context = browser.new_context(viewport=viewport, locale="ko-KR")
    pg = context.new_page()
    failures: list[str] = []
    pg.on("requestfailed", lambda req: failures.append(f"failed: {req.url}"))
    pg.on("console", lambda msg: failures.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    pg.on(
        "request",
        lambda req: None if req.url.startswith((server, "data:")) else failures.append(f"foreign request: {req.url}"),
    )
    assert pg.goto(f"{server}/api/dart/health").ok
    response = pg.goto(f"{server}/")  # redirects to /dashboard
    assert response is not None and response.ok and pg.url == f"{server}/dashboard"
    return context, pg, failures


def _load_time(browser: Any, server: str, pg: Any) -> tuple[float, list[dict[str, float]]]:
    """loadEventEnd of the dashboard's navigation; when a loaded machine (two cores shared with
    dbt and the rest of the suite) makes one slow, two more tries: the best of three counts."""
    timings = [_load_ms(pg)]
    for _ in range(2):
        if timings[-1]["loadEventEnd"] < LOAD_BUDGET_MS:
            break
        pg.reload()
        timings.append(_load_ms(pg))
    return min(t["loadEventEnd"] for t in timings), timings


def _platform_fonts(pg: Any, selector: str) -> list[str]:
    """The fonts Chromium actually drew a node's text with (DevTools CSS.getPlatformFontsForNode)."""
    cdp = pg.context.new_cdp_session(pg)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    return [f["familyName"] for f in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]]


@pytest.mark.timeout(600)  # the first test also builds the warehouse (about 1-2 min)
def test_dashboard_in_chromium_at_1280x800(
    browser: Any, server: str, demo_warehouse: sa.Engine, tmp_path: Path
) -> None:
    context, pg, failures = _open(browser, server, DESKTOP)
    try:
        best, timings = _load_time(browser, server, pg)
        print(f"dashboard load at 1280x800: {timings}")
        pg.screenshot(path=str(tmp_path / "dashboard-1280x800.png"), full_page=True)

        # The gauge shows fear_greed_index of the latest date on or before today.
        [latest] = _fetch_all(
            demo_warehouse,
            "select * from dart_marts.fear_greed_index where date <= :d order by date desc limit 1",
            d=TODAY,
        )
        gauge = pg.locator("#gauge-value")
        assert gauge.get_attribute("data-date") == latest["date"].isoformat() == TODAY.isoformat()
        assert float(gauge.get_attribute("data-value")) == float(latest["value"])
        assert gauge.inner_text() == f"{latest['value']:.2f}"
        assert pg.locator("#gauge-label").get_attribute("data-label") == latest["label"]
        assert pg.locator("#compare tbody tr").count() == 4

        # Every component with its score and weight; the disclosure component's quality shown.
        weights = {
            r["component"]: r
            for r in _fetch_all(demo_warehouse, "select * from dart_marts.index_weights where date = :d", d=TODAY)
        }
        assert len(weights) == 8
        for name, w in weights.items():
            row = pg.locator(f'#components tr[data-component="{name}"]')
            assert float(row.locator("[data-weight]").get_attribute("data-weight")) == float(w["weight"])
            score = latest[f"{name}_score"]
            shown = row.locator("[data-score]").get_attribute("data-score")
            assert (shown == "") if score is None else float(shown) == float(score)
        disclosure = weights["disclosure_sentiment"]
        assert 0 < disclosure["weight"] < 1 / 7  # present, and lowered by its quality
        assert f"{disclosure['quality']:.4f}" in pg.locator("#disclosure-quality").inner_text()

        # The movers: the day's filings furthest from neutral, in that order, linked to DART.
        top = _fetch_all(
            demo_warehouse,
            "select s.rcept_no, s.impact_score, d.corp_name from dart_marts.disclosure_impact_scores s "
            "join dart_raw.disclosures d using (rcept_no) where s.rcept_dt = :d and s.impact_score <> 50 "
            "order by abs(s.impact_score - 50) desc, s.rcept_no limit 10",
            d=TODAY,
        )
        assert len(top) >= 5
        rows = pg.locator("#movers-table tbody tr")
        assert [rows.nth(i).get_attribute("data-rcept-no") for i in range(rows.count())] == [t["rcept_no"] for t in top]
        first = rows.first
        assert first.locator("td.company").inner_text() == top[0]["corp_name"]
        assert first.locator("a").get_attribute("href") == (
            f"https://dart.fss.or.kr/dsaf001/main.do?rcpNo={top[0]['rcept_no']}"
        )
        assert float(first.locator("[data-impact]").get_attribute("data-impact")) == float(top[0]["impact_score"])
        assert "taxonomy rule" in first.locator("td.why-cell").inner_text()

        # Korean is drawn with a CJK font, not boxes.
        fonts = _platform_fonts(pg, "#movers-table tbody tr td.company")
        assert any("CJK" in f or "KR" in f or "Gothic" in f for f in fonts), fonts

        # The history: 1Y shown first; choosing 1M shows that chart instead.
        assert pg.locator("#chart-1Y .chart-wide").is_visible()
        pg.locator('label[for="range-1M"]').click()
        assert pg.locator("#chart-1M .chart-wide").is_visible() and not pg.locator("#chart-1Y").is_visible()
        assert int(pg.locator("#chart-1M").get_attribute("data-points")) < int(
            pg.locator("#chart-1Y").get_attribute("data-points")
        )
        assert pg.locator("#sentiment svg.chart").is_visible()

        # Pipeline status: newest partition per asset, the open incident, today's calls.
        status = pg.locator("#pipeline").inner_text()
        assert pg.locator('#loads tr[data-asset="dart_raw/disclosures"]').inner_text().split("\t")[1] == "2026-03-16"
        assert "1 open incident(s)" in status and "market_raw/stock_trades: last load 5 days ago" in status
        budget = get_settings().daily_call_budget
        assert f"0a1b2c3d4e5f 1,234 / {budget:,} ({1234 / budget:.1%})" in " ".join(status.split())

        assert failures == []
        assert best < LOAD_BUDGET_MS, f"dashboard load {timings} ms, budget {LOAD_BUDGET_MS} ms"
    finally:
        context.close()


@pytest.mark.timeout(600)
def test_dashboard_in_chromium_at_phone_width(browser: Any, server: str, tmp_path: Path) -> None:
    context, pg, failures = _open(browser, server, PHONE)
    try:
        best, timings = _load_time(browser, server, pg)
        print(f"dashboard load at 390x844: {timings}")
        pg.screenshot(path=str(tmp_path / "dashboard-390x844.png"), full_page=True)
        width = pg.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
        assert width <= PHONE["width"], f"page is {width}px wide at {PHONE['width']}px"
        assert (
            pg.locator("#chart-1Y .chart-narrow").is_visible() and not pg.locator("#chart-1Y .chart-wide").is_visible()
        )
        assert pg.locator("#gauge-value").is_visible()
        assert pg.locator("#movers-table tbody tr").first.locator(".why-inline").is_visible()
        assert failures == []
        assert best < LOAD_BUDGET_MS, f"dashboard load {timings} ms, budget {LOAD_BUDGET_MS} ms"
    finally:
        context.close()
