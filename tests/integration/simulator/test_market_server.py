"""The market clients (KRX Open API, ECOS) over real HTTP against the simulator: every endpoint,
every fault, and the key kept off the log."""

from __future__ import annotations

import gzip
import json
import logging
import time
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from dart_assets.sources.ecos.client import ITEMS, KTB_10Y, EcosClient
from dart_assets.sources.http import errors
from dart_assets.sources.http.quota import SEOUL
from dart_assets.sources.krx.client import (
    ENDPOINTS,
    GOVERNMENT_BONDS,
    KOSPI_INDEX,
    OPTION_TRADES,
    STOCK_TRADES,
    KrxClient,
)
from simulators.market.service import MarketFaults, MarketService
from simulators.server import SimulatorConfig, SimulatorHandle, run_simulator

KEY = "krxEcosTestKey0123456789"
RECORDED = date(2024, 1, 4)
GENERATED = date(2026, 6, 3)  # after the seed history: a generated session
RECORDINGS = Path(__file__).parents[3] / "simulators" / "market" / "data" / "krx_openapi"
FAST = {"requests_per_second": 1000.0, "backoff_base_s": 0.01, "backoff_max_s": 0.02, "max_attempts": 3}


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorHandle]:
    with run_simulator(SimulatorConfig(seed=42)) as handle:
        yield handle


@pytest.fixture(autouse=True)
def clean_faults(sim: SimulatorHandle) -> Iterator[None]:
    sim.config.market_faults = MarketFaults()
    sim.reset_quota()
    sim.requests.clear()
    yield
    sim.config.market_faults = MarketFaults()


@pytest.fixture
def krx(sim: SimulatorHandle) -> Iterator[KrxClient]:
    with KrxClient(KEY, sim.krx_base_url, timeout=5, **FAST) as client:
        yield client


@pytest.fixture
def ecos(sim: SimulatorHandle) -> Iterator[EcosClient]:
    with EcosClient(KEY, sim.ecos_base_url, timeout=5, **FAST) as client:
        yield client


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_the_recorded_days_come_back_verbatim(krx: KrxClient, endpoint: str) -> None:
    with gzip.open(RECORDINGS / f"{endpoint.split('/')[1]}_{RECORDED:%Y%m%d}.json.gz") as raw:
        recorded = json.load(raw)["OutBlock_1"]
    assert krx.daily(endpoint, RECORDED) == recorded


def test_the_recorded_day_has_the_published_figures(krx: KrxClient) -> None:
    kospi = [r for r in krx.daily(KOSPI_INDEX, RECORDED) if r["IDX_NM"] == "코스피"]
    assert [r["CLSPRC_IDX"] for r in kospi] == ["2587.02"]
    options = [r for r in krx.daily(OPTION_TRADES, RECORDED) if r["PROD_NM"] == "코스피200 옵션"]
    volume = {side: sum(int(r["ACC_TRDVOL"]) for r in options if r["RGHT_TP_NM"] == side) for side in ("PUT", "CALL")}
    assert volume == {"PUT": 932884, "CALL": 1256781}


def test_generated_sessions_have_a_realistic_cross_section_and_no_session_is_empty(krx: KrxClient) -> None:
    stocks = krx.daily(STOCK_TRADES, GENERATED)
    assert 900 <= len(stocks) <= 1000 and len({r["ISU_CD"] for r in stocks}) == len(stocks)
    assert {r["BAS_DD"] for r in stocks} == {f"{GENERATED:%Y%m%d}"}
    assert any(float(r["FLUC_RT"]) > 0 for r in stocks) and any(float(r["FLUC_RT"]) < 0 for r in stocks)
    assert [r["IDX_NM"] for r in krx.daily(KOSPI_INDEX, GENERATED)].count("코스피") == 1
    assert any("10" in r["BND_EXP_TP_NM"] for r in krx.daily(GOVERNMENT_BONDS, GENERATED))
    assert krx.daily(STOCK_TRADES, date(2026, 6, 6)) == []  # a Saturday
    assert krx.daily(STOCK_TRADES, date(2026, 6, 3)) == stocks  # deterministic


def test_ecos_pages_by_row_range_and_serves_weekdays(sim: SimulatorHandle, ecos: EcosClient) -> None:
    rows = ecos.daily_rates(KTB_10Y, date(2020, 1, 1), date(2026, 5, 15))
    assert len(rows) > 1000 and len({r["TIME"] for r in rows}) == len(rows)
    assert all(datetime.strptime(r["TIME"], "%Y%m%d").weekday() < 5 for r in rows)
    assert [r.params["rows"] for r in sim.requests] == ["1-1000", "1001-2000"]
    for item in ITEMS:
        [row] = ecos.daily_rates(item, RECORDED, RECORDED)
        assert row["ITEM_CODE1"] == item and float(row["DATA_VALUE"]) > 0
    assert ecos.daily_rates(KTB_10Y, date(2026, 6, 6), date(2026, 6, 7)) == []  # a weekend: INFO-200


def test_transport_errors_are_retried_then_raised(sim: SimulatorHandle, krx: KrxClient, ecos: EcosClient) -> None:
    sim.config.market_faults.error_rate = 1.0
    with pytest.raises(errors.TransportError) as failure:
        krx.daily(KOSPI_INDEX, RECORDED)
    assert failure.value.retryable and len(sim.requests) == FAST["max_attempts"]
    with pytest.raises(errors.TransportError):
        ecos.daily_rates(KTB_10Y, RECORDED, RECORDED)


def test_a_partial_outage_is_ridden_out(sim: SimulatorHandle) -> None:
    sim.config.market_faults.error_rate = 0.3
    with KrxClient(KEY, sim.krx_base_url, **{**FAST, "max_attempts": 10}) as krx:
        assert [len(krx.daily(STOCK_TRADES, RECORDED)) for _ in range(8)] == [953] * 8
        assert krx.stats()["retries"] > 0


def test_a_hanging_server_is_a_timeout(sim: SimulatorHandle) -> None:
    sim.config.market_faults.timeout_rate, sim.config.market_faults.timeout_sleep_s = 1.0, 5.0
    with (
        KrxClient(KEY, sim.krx_base_url, timeout=0.3, **{**FAST, "max_attempts": 1}) as client,
        pytest.raises(errors.TransportError) as failure,
    ):
        client.daily(KOSPI_INDEX, RECORDED)
    assert "timed out" in str(failure.value)


def test_latency_is_added_to_every_answer(sim: SimulatorHandle, krx: KrxClient) -> None:
    sim.config.market_faults.latency_s = 0.3
    started = time.monotonic()
    krx.daily(KOSPI_INDEX, RECORDED)
    assert time.monotonic() - started >= 0.3


def test_malformed_bodies_are_typed_and_retried(sim: SimulatorHandle, krx: KrxClient, ecos: EcosClient) -> None:
    sim.config.market_faults.malformed_rate = 1.0
    with pytest.raises(errors.MalformedResponseError):
        krx.daily(KOSPI_INDEX, RECORDED)
    with pytest.raises(errors.MalformedResponseError):
        ecos.daily_rates(KTB_10Y, RECORDED, RECORDED)
    assert {r.fault for r in sim.requests} == {"malformed"} and len(sim.requests) == 2 * FAST["max_attempts"]


def test_maintenance_is_an_outage_of_both_services(sim: SimulatorHandle, krx: KrxClient, ecos: EcosClient) -> None:
    sim.config.market_faults.maintenance = True
    with pytest.raises(errors.TransportError) as krx_failure:
        krx.daily(KOSPI_INDEX, RECORDED)
    with pytest.raises(errors.RetryableServiceError) as ecos_failure:
        ecos.daily_rates(KTB_10Y, RECORDED, RECORDED)
    assert krx_failure.value.http_status == 503 and "ERROR-500" in str(ecos_failure.value)


def test_quota_is_per_key_and_service_and_never_retried(sim: SimulatorHandle, krx: KrxClient, ecos: EcosClient) -> None:
    sim.config.market_faults.quota = 1
    krx.daily(KOSPI_INDEX, RECORDED)
    ecos.daily_rates(KTB_10Y, RECORDED, RECORDED)  # ECOS counts its own calls
    with pytest.raises(errors.QuotaExceededError) as krx_failure:
        krx.daily(KOSPI_INDEX, RECORDED)
    with pytest.raises(errors.QuotaExceededError) as ecos_failure:
        ecos.daily_rates(KTB_10Y, RECORDED, RECORDED)
    assert krx_failure.value.http_status == 429 and "ERROR-602" in str(ecos_failure.value)
    assert len(sim.requests) == 4  # no retries
    with KrxClient("anotherKey" * 2, sim.krx_base_url, **FAST) as other:
        assert other.daily(KOSPI_INDEX, RECORDED)


def test_an_unapproved_endpoint_is_401_for_that_endpoint_only(sim: SimulatorHandle, krx: KrxClient) -> None:
    sim.config.market_faults.unapproved_endpoints = {OPTION_TRADES}
    with pytest.raises(errors.UnauthorizedError) as failure:
        krx.daily(OPTION_TRADES, RECORDED)
    assert not failure.value.retryable and "Unauthorized API Call" in str(failure.value) and len(sim.requests) == 1
    assert krx.daily(KOSPI_INDEX, RECORDED)


def test_a_wrong_key_is_refused_by_both(sim: SimulatorHandle) -> None:
    with run_simulator(SimulatorConfig(valid_market_keys={KEY})) as strict:
        with KrxClient("wrongKey" * 3, strict.krx_base_url, **FAST) as krx, pytest.raises(errors.UnauthorizedError):
            krx.daily(KOSPI_INDEX, RECORDED)
        with EcosClient("wrongKey" * 3, strict.ecos_base_url, **FAST) as ecos, pytest.raises(errors.InvalidKeyError):
            ecos.daily_rates(KTB_10Y, RECORDED, RECORDED)
        with KrxClient(KEY, strict.krx_base_url, **FAST) as krx:
            assert krx.daily(KOSPI_INDEX, RECORDED)


def test_not_yet_published_sessions_answer_empty(sim: SimulatorHandle, krx: KrxClient, ecos: EcosClient) -> None:
    sim.config.market_faults.unpublished_from = date(2024, 1, 5)
    assert krx.daily(KOSPI_INDEX, date(2024, 1, 5)) == [] and krx.daily(KOSPI_INDEX, RECORDED)
    assert [r["TIME"] for r in ecos.daily_rates(KTB_10Y, RECORDED, date(2024, 1, 8))] == ["20240104"]
    assert sim.requests[0].status == "unpublished"


def test_a_session_is_published_after_midnight_kst() -> None:
    clock = {"now": datetime(2026, 12, 2, 0, 29, tzinfo=SEOUL)}
    service = MarketService(MarketFaults, seed=42, now=lambda: clock["now"])
    assert not service.published(date(2026, 12, 1))
    clock["now"] = datetime(2026, 12, 2, 0, 31, tzinfo=SEOUL)
    assert service.published(date(2026, 12, 1)) and not service.published(date(2026, 12, 2))


def test_keys_never_reach_the_request_log(
    sim: SimulatorHandle,
    krx: KrxClient,
    ecos: EcosClient,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr(logging.getLogger("uvicorn.access"), "propagate", True)
    krx.daily(KOSPI_INDEX, RECORDED)
    ecos.daily_rates(KTB_10Y, RECORDED, RECORDED)
    assert caplog.records and KEY not in caplog.text
    assert all(KEY not in json.dumps(r.params) and KEY not in r.endpoint for r in sim.requests)
    assert KEY not in repr(krx) and KEY not in repr(ecos)
