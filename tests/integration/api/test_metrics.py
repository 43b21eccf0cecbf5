"""`/metrics` scraped over the app (TestClient) against real PostgreSQL, and `dart-fg metrics`:
every metric of issue 12 is present and moves when its event happens — a request, a DART call,
a market call, a quota use, the breaker opening, a partition load, a quarantined row, an
incident opening — and no key ever appears in it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from prometheus_client import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from dart_assets.alerting.alerts import Finding, raise_incident
from dart_assets.alerting.channels import LogChannel
from dart_assets.api.app import create_app
from dart_assets.cli import main as dart_fg
from dart_assets.core.redaction import key_id
from dart_assets.sources.dart.breaker import CircuitBreaker
from dart_assets.sources.dart.client import DartClient
from dart_assets.sources.dart.paging import DISCLOSURE_FIELDS
from dart_assets.sources.krx.client import KrxClient
from dart_assets.sources.loaders import PartitionStats, load_disclosures
from dart_assets.validation.quarantine import Quarantined

DART_KEY = "MetricsDartKey0123456789abcdefghijABCDEF"  # 40 alphanumerics
KRX_KEY = "MetricsKrxKey0123456789"
FAST = {"requests_per_second": 1000.0, "backoff_base_s": 0.01, "backoff_max_s": 0.02, "max_attempts": 1}
ASSET = "dart_raw/disclosures"

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(text: str) -> Samples:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    """The sample's value; 0 when it is absent (a series that has not started yet)."""
    return samples.get((name, frozenset(labels.items())), 0.0)


def names(samples: Samples) -> set[str]:
    return {name for name, _ in samples}


@pytest.fixture
def client(dart_env: Path, engine: sa.Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    monkeypatch.setenv("DART_API_KEY", DART_KEY)
    monkeypatch.setenv("KRX_API_KEY", KRX_KEY)
    monkeypatch.delenv("DART_FG_METRICS_TOKEN", raising=False)
    monkeypatch.delenv("DART_FG_METRICS", raising=False)
    from dart_assets.core.settings import get_settings

    get_settings.cache_clear()
    with TestClient(create_app(engine=engine)) as test_client:
        yield test_client


def scrape(client: TestClient) -> tuple[Samples, str]:
    answer = client.get("/metrics")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    return parse(answer.text), answer.text


def _load_partition(engine: sa.Engine, day: str, quarantined: int) -> None:
    row = {
        "corp_code": "00126380",
        "corp_name": "삼성전자",
        "stock_code": "005930",
        "corp_cls": "Y",
        "report_nm": "자기주식취득결정",
        "rcept_no": f"{day.replace('-', '')}000123",
        "flr_nm": "삼성전자",
        "rcept_dt": day.replace("-", ""),
        "rm": "",
    }
    bad = [Quarantined(i, None, "rcept_no: invalid", {"rcept_no": "x"}) for i in range(quarantined)]
    load_disclosures(
        engine,
        asset_key=ASSET,
        partition_key=day,
        frame=pd.DataFrame([{f: row.get(f) for f in DISCLOSURE_FIELDS}]),
        quarantined=bad,
        stats=PartitionStats(),
    )


def test_every_metric_is_present_and_moves_with_its_event(client: TestClient, engine: sa.Engine, simulator) -> None:
    before, _ = scrape(client)
    assert value(before, "dart_fg_warehouse_up") == 1
    dart_kid, krx_kid = key_id(DART_KEY), key_id(KRX_KEY)
    # Configured keys are reported before their first call: the whole budget left.
    assert value(before, "dart_fg_quota_left_calls", service="dart", key=dart_kid) == 10_000
    assert value(before, "dart_fg_quota_used_calls", service="dart", key=dart_kid) == 0
    assert value(before, "dart_fg_quota_left_calls", service="krx", key=krx_kid) == 10_000
    assert value(before, "dart_fg_breaker_state", breaker="dart_api", state="closed") == 1

    # A request: counted under its route template and status, with its latency.
    health = {"method": "GET", "route": "/api/dart/health", "status": "200"}
    client.get("/api/dart/health")
    client.get("/api/dart/health")
    client.get("/api/dart/no/such/path/123")
    client.get("/api/dart/admin/quarantine")  # 401: no key
    # A DART call (a quota use on its key) and a market call.
    with DartClient([DART_KEY], simulator.base_url, engine=engine, **FAST) as dart:
        assert dart.company("00126380")
    with KrxClient(KRX_KEY, simulator.krx_base_url, engine=engine, **FAST) as krx:
        krx.daily("idx/kospi_dd_trd", date(2024, 1, 4))
    # The breaker opening, a partition load with quarantined rows, an incident opening.
    CircuitBreaker(engine, name="dart_api", failure_threshold=1).record_failure("HTTP 503 from list.json")
    _load_partition(engine, "2026-09-15", quarantined=2)
    assert raise_incident(engine, [LogChannel()], "breaker_open:dart_api", "breaker_open", Finding("DART breaker open"))

    after, text = scrape(client)
    # requests and latency, per route template and status (never the raw path)
    assert (
        value(after, "dart_fg_http_requests_total", **health)
        == value(before, "dart_fg_http_requests_total", **health) + 2
    )
    assert value(after, "dart_fg_http_request_duration_seconds_count", **health) >= 2
    assert value(after, "dart_fg_http_request_duration_seconds_bucket", le="+Inf", **health) >= 2
    assert value(after, "dart_fg_http_requests_total", method="GET", route="unmatched", status="404") == 1
    assert (
        value(after, "dart_fg_http_requests_total", method="GET", route="/api/dart/admin/quarantine", status="401") == 1
    )
    assert "/no/such/path" not in text
    # calls per service, endpoint and status
    assert (
        value(
            after, "dart_fg_upstream_calls_total", service="dart", endpoint="company.json", status="000", error="none"
        )
        == 1
    )
    assert (
        value(
            after,
            "dart_fg_upstream_calls_total",
            service="krx",
            endpoint="idx/kospi_dd_trd",
            status="http_200",
            error="none",
        )
        == 1
    )
    assert (
        value(
            after,
            "dart_fg_upstream_call_duration_seconds_total",
            service="dart",
            endpoint="company.json",
            status="000",
            error="none",
        )
        > 0
    )
    # quota used and left per key fingerprint
    assert value(after, "dart_fg_quota_used_calls", service="dart", key=dart_kid) == 1
    assert value(after, "dart_fg_quota_left_calls", service="dart", key=dart_kid) == 9_999
    assert value(after, "dart_fg_quota_used_calls", service="krx", key=krx_kid) == 1
    assert value(after, "dart_fg_quota_budget_calls", service="dart") == 10_000
    # breaker state
    assert value(after, "dart_fg_breaker_state", breaker="dart_api", state="open") == 1
    assert value(after, "dart_fg_breaker_state", breaker="dart_api", state="closed") == 0
    assert value(after, "dart_fg_breaker_consecutive_failures", breaker="dart_api") == 1
    # last partition age, rows loaded and quarantined per asset
    assert 0 <= value(after, "dart_fg_last_partition_age_seconds", asset=ASSET) < 120
    assert value(after, "dart_fg_last_partition_loaded_timestamp_seconds", asset=ASSET) > 1.7e9
    assert value(after, "dart_fg_partitions_loaded", asset=ASSET) == 1
    assert value(after, "dart_fg_rows_loaded", asset=ASSET) == 1
    assert value(after, "dart_fg_rows_fetched", asset=ASSET) == 3
    assert value(after, "dart_fg_rows_quarantined", asset=ASSET) == 2
    # open incidents
    assert value(before, "dart_fg_open_incidents", kind="breaker_open") == 0
    assert value(after, "dart_fg_open_incidents", kind="breaker_open") == 1
    assert value(after, "dart_fg_dead_letters", status="open") == 0
    # secrets: keys by fingerprint only
    for secret in (DART_KEY, KRX_KEY):
        assert secret not in text

    # A second partition moves the load totals and the quarantine again.
    _load_partition(engine, "2026-09-16", quarantined=1)
    again, _ = scrape(client)
    assert value(again, "dart_fg_partitions_loaded", asset=ASSET) == 2
    assert value(again, "dart_fg_rows_loaded", asset=ASSET) == 2
    assert value(again, "dart_fg_rows_quarantined", asset=ASSET) == 3


def test_a_guard_429_is_counted_under_its_route_and_apps_do_not_share_counters(
    dart_env: Path, engine: sa.Engine
) -> None:
    app = create_app(engine=engine, address_limit="2/minute")
    with TestClient(app) as client:
        statuses = [client.get("/api/dart/health").status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        # /metrics counts against the same per-address limit as every request
        assert client.get("/metrics").status_code == 429
    limited = parse(generate_latest(app.state.metrics_registry).decode())
    health = {"method": "GET", "route": "/api/dart/health"}
    assert value(limited, "dart_fg_http_requests_total", status="200", **health) == 2
    assert value(limited, "dart_fg_http_requests_total", status="429", **health) == 1
    assert value(limited, "dart_fg_http_requests_total", method="GET", route="/metrics", status="429") == 1
    with TestClient(create_app(engine=engine)) as other:
        fresh, _ = scrape(other)
    # every app has a registry of its own: the first app's requests are not in this one
    assert value(fresh, "dart_fg_http_requests_total", status="200", **health) == 0


def test_metrics_token_and_switch(dart_env: Path, engine: sa.Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DART_FG_METRICS_TOKEN", "scrape-token-1234")
    with TestClient(create_app(engine=engine)) as client:
        refused = client.get("/metrics")
        assert refused.status_code == 401 and refused.headers["www-authenticate"] == "Bearer"
        assert "scrape-token-1234" not in refused.text
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        ok = client.get("/metrics", headers={"Authorization": "Bearer scrape-token-1234"})
        assert ok.status_code == 200 and "dart_fg_warehouse_up 1.0" in ok.text
    monkeypatch.setenv("DART_FG_METRICS", "off")
    with TestClient(create_app(engine=engine)) as client:
        assert client.get("/metrics").status_code == 404
        assert client.get("/api/dart/health").status_code == 200
    spec = create_app(engine=engine).openapi()
    assert "/metrics" not in spec["paths"]


def test_an_unreachable_warehouse_still_answers_with_up_0(dart_env: Path) -> None:
    dead = sa.create_engine("postgresql://nobody@127.0.0.1:1/none", pool_pre_ping=False)
    with TestClient(create_app(engine=dead)) as client:
        samples, _ = scrape(client)
    assert value(samples, "dart_fg_warehouse_up") == 0
    assert "dart_fg_breaker_state" not in names(samples)
    assert value(samples, "dart_fg_http_requests_total", method="GET", route="/metrics", status="200") == 0


def test_dart_fg_metrics_writes_the_textfile(
    dart_env: Path, engine: sa.Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "textfile" / "dart_fg.prom"
    out.parent.mkdir()
    assert dart_fg(["metrics", "--textfile", str(out)]) == 0
    first = parse(out.read_text())
    assert value(first, "dart_fg_warehouse_up") == 1
    assert value(first, "dart_fg_partitions_loaded", asset=ASSET) == 0
    assert "dart_fg_http_requests_total" not in names(first)  # request metrics are the API's

    CircuitBreaker(engine, name="dart_api", failure_threshold=1).record_failure("timed out")
    _load_partition(engine, "2026-09-15", quarantined=1)
    assert raise_incident(engine, [LogChannel()], "quota:x", "quota", Finding("quota at 80%"))
    assert dart_fg(["metrics", "--textfile", str(out)]) == 0
    second = parse(out.read_text())
    assert value(second, "dart_fg_breaker_state", breaker="dart_api", state="open") == 1
    assert value(second, "dart_fg_partitions_loaded", asset=ASSET) == 1
    assert value(second, "dart_fg_rows_quarantined", asset=ASSET) == 1
    assert value(second, "dart_fg_open_incidents", kind="quota") == 1
    assert [p.name for p in out.parent.iterdir()] == ["dart_fg.prom"]  # written atomically, no temp left

    capsys.readouterr()
    assert dart_fg(["metrics"]) == 0
    printed = capsys.readouterr().out
    assert value(parse(printed), "dart_fg_rows_quarantined", asset=ASSET) == 1
