"""The simulator over real HTTP on 127.0.0.1: every endpoint, status rule and fault."""

from __future__ import annotations

import io
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import httpx
import pytest

from simulators.server import Faults, SimulatorConfig, SimulatorHandle, run_simulator

KEY = "k" * 40
DAY = "20250702"  # an ordinary Wednesday: ~450-700 generated filings


@pytest.fixture
def client(simulator: SimulatorHandle) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=simulator.base_url, timeout=30) as http:
        yield http


def _get(http: httpx.Client, endpoint: str, **params: object) -> dict[str, object]:
    response = http.get(f"/{endpoint}", params={"crtfc_key": KEY, **params})
    assert response.status_code == 200
    return response.json()


def _read_day(http: httpx.Client, day: str, page_count: int = 100) -> tuple[list[dict[str, str]], list[int]]:
    first = _get(http, "list.json", bgn_de=day, end_de=day, page_count=page_count)
    rows, totals = list(first["list"]), [first["total_count"]]
    for page in range(2, int(first["total_page"]) + 1):
        body = _get(http, "list.json", bgn_de=day, end_de=day, page_count=page_count, page_no=page)
        rows += body["list"]
        totals.append(body["total_count"])
    return rows, totals


def _listening_addresses(port: int) -> set[str]:
    """Local addresses (hex, as the kernel lists them) of sockets listening on `port`."""
    lines = Path("/proc/net/tcp").read_text().splitlines()[1:] + Path("/proc/net/tcp6").read_text().splitlines()[1:]
    found = set()
    for line in lines:
        local, state = line.split()[1], line.split()[3]
        address, hex_port = local.split(":")
        if state == "0A" and int(hex_port, 16) == port:
            found.add(address)
    return found


def test_binds_loopback_only_and_stops_on_exit() -> None:
    with run_simulator(SimulatorConfig()) as sim:
        assert sim.base_url == f"http://127.0.0.1:{sim.port}/api"
        assert _listening_addresses(sim.port) == {"0100007F"}  # 127.0.0.1, no other interface
        assert (
            httpx.get(f"{sim.base_url}/company.json", params={"crtfc_key": KEY, "corp_code": "00126380"}).status_code
            == 200
        )
    assert _listening_addresses(sim.port) == set()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{sim.base_url}/list.json", params={"crtfc_key": KEY})


def test_a_busy_port_is_a_clear_error(simulator: SimulatorHandle) -> None:
    with pytest.raises(OSError, match=f"127.0.0.1:{simulator.port}"):
        with run_simulator(SimulatorConfig(port=simulator.port)):
            pass


def test_bad_configuration_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="daily_volume must be between 0 and 10000, got 50000"):
        SimulatorConfig(daily_volume=50_000)
    done = subprocess.run(
        [sys.executable, "-m", "dart_assets.cli", "sim", "--daily-volume", "-5"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "daily_volume must be between 0 and 10000, got -5" in done.stderr


def test_list_envelope_matches_real_responses(client: httpx.Client) -> None:
    body = _get(client, "list.json", bgn_de=DAY, end_de=DAY)
    assert list(body) == ["status", "message", "page_no", "page_count", "total_count", "total_page", "list"]
    assert (body["status"], body["message"], body["page_no"], body["page_count"]) == ("000", "정상", 1, 10)
    assert isinstance(body["total_count"], int) and body["total_page"] == -(-body["total_count"] // 10)
    assert list(body["list"][0]) == [
        "corp_code",
        "corp_name",
        "stock_code",
        "corp_cls",
        "report_nm",
        "rcept_no",
        "flr_nm",
        "rcept_dt",
        "rm",
    ]


def test_paging_a_day_returns_every_filing_once_newest_first(client: httpx.Client) -> None:
    rows, totals = _read_day(client, DAY)
    numbers = [r["rcept_no"] for r in rows]
    assert len(numbers) == len(set(numbers)) == totals[0] and set(totals) == {totals[0]}
    assert numbers == sorted(numbers, reverse=True)
    small, _ = _read_day(client, DAY, page_count=37)
    assert small == rows


def test_recorded_rows_come_back_verbatim_over_http(client: httpx.Client) -> None:
    body = _get(client, "list.json", corp_code="00106641", bgn_de="20260320", end_de="20260320")
    kia = next(item for item in body["list"] if item["rcept_no"] == "20260320801417")
    assert kia["report_nm"] == "정기주주총회결과" + " " * 14
    samsung = _get(client, "list.json", corp_code="00139719", bgn_de="20200101", end_de="20201231", page_count=100)
    assert samsung["total_count"] >= 3


def test_filters_restrict_the_listing(client: httpx.Client) -> None:
    for corp_cls in "YKNE":
        items = _get(client, "list.json", bgn_de=DAY, end_de=DAY, corp_cls=corp_cls, page_count=100)["list"]
        assert items and {i["corp_cls"] for i in items} == {corp_cls}
    periodic = _get(client, "list.json", bgn_de="20250331", end_de="20250331", pblntf_ty="A", page_count=100)
    assert periodic["total_count"] > 100
    assert all("보고서 (" in i["report_nm"] for i in periodic["list"])


def test_status_rules_with_official_messages(client: httpx.Client) -> None:
    too_long = _get(client, "list.json", bgn_de="20260206", end_de="20260507")
    assert too_long == {"status": "100", "message": "corp_code가 없는 경우 검색기간은 3개월만 가능합니다."}
    assert _get(client, "list.json", bgn_de="20260206", end_de="20260506")["status"] == "000"
    assert _get(client, "list.json", bgn_de="2026-02-06")["status"] == "100"
    assert _get(client, "list.json", bgn_de=DAY, page_count=101)["status"] == "100"
    future = _get(client, "list.json", bgn_de="20991201", end_de="20991201")
    assert future == {"status": "013", "message": "조회된 데이타가 없습니다."}


@pytest.mark.parametrize("key", [None, "short", "x" * 41, "가" * 40])
def test_missing_or_malformed_keys_get_010(client: httpx.Client, key: str | None) -> None:
    params = {"bgn_de": DAY} if key is None else {"crtfc_key": key, "bgn_de": DAY}
    assert client.get("/list.json", params=params).json() == {"status": "010", "message": "등록되지 않은 키입니다."}


def test_valid_keys_restrict_access_and_the_key_is_never_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with run_simulator(SimulatorConfig(valid_keys={KEY})) as sim, httpx.Client(base_url=sim.base_url) as http:
        assert http.get("/list.json", params={"crtfc_key": "z" * 40, "bgn_de": DAY}).json()["status"] == "010"
        assert http.get("/list.json", params={"crtfc_key": KEY, "bgn_de": DAY, "end_de": DAY}).json()["status"] == "000"
        assert all("crtfc_key" not in r.params for r in sim.requests)
        assert [r.status for r in sim.requests] == ["010", "000"]
    server_lines = [r.getMessage() for r in caplog.records if r.name.startswith(("simulators", "uvicorn"))]
    assert any("list.json" in line for line in server_lines)
    assert not [line for line in server_lines if KEY in line or "z" * 40 in line]


def test_quota_gives_020_per_key_until_reset() -> None:
    other = "o" * 40
    with run_simulator(SimulatorConfig(faults=Faults(quota=2))) as sim, httpx.Client(base_url=sim.base_url) as http:
        statuses = [
            http.get("/company.json", params={"crtfc_key": KEY, "corp_code": "00126380"}).json()["status"]
            for _ in range(3)
        ]
        assert statuses == ["000", "000", "020"]
        assert http.get("/company.json", params={"crtfc_key": other, "corp_code": "00126380"}).json()["status"] == "000"
        assert http.get("/corpCode.xml", params={"crtfc_key": KEY}).content.startswith(b"<?xml")  # an XML 020
        sim.reset_quota()
        assert http.get("/company.json", params={"crtfc_key": KEY, "corp_code": "00126380"}).json()["status"] == "000"


def test_corp_code_zip_and_its_failure_modes(simulator: SimulatorHandle, client: httpx.Client) -> None:
    response = client.get("/corpCode.xml", params={"crtfc_key": KEY})
    assert response.status_code == 200 and response.content[:2] == b"PK"
    root = ET.fromstring(zipfile.ZipFile(io.BytesIO(response.content)).read("CORPCODE.xml"))
    assert root.tag == "result" and len(root.findall("list")) == 118_342
    simulator.config.faults.corrupt_zip = True
    corrupt = client.get("/corpCode.xml", params={"crtfc_key": KEY}).content
    assert corrupt[:2] == b"PK"
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(io.BytesIO(corrupt))
    simulator.config.faults.xml_error_status = "020"
    response = client.get("/corpCode.xml", params={"crtfc_key": KEY})
    error = ET.fromstring(response.content)
    assert error.findtext("status") == "020"
    assert error.findtext("message", "").startswith("요청 제한을 초과하였습니다.")
    assert response.headers["content-type"].startswith("application/xml")
    bad_key = ET.fromstring(client.get("/corpCode.xml", params={"crtfc_key": "bad"}).content)
    assert bad_key.findtext("status") == "010"


def test_company_and_financial_endpoints(client: httpx.Client) -> None:
    samsung = _get(client, "company.json", corp_code="00126380")
    assert (samsung["corp_name"], samsung["stock_name"], samsung["acc_mt"]) == ("삼성전자(주)", "삼성전자", "12")
    single = _get(client, "fnlttSinglAcnt.json", corp_code="00139719", bsns_year="2022", reprt_code="11011")
    assert len(single["list"]) == 26 and single["list"][0]["thstrm_dt"] == "2022.12.31 현재"
    multi = _get(client, "fnlttMultiAcnt.json", corp_code="00126380,00139719", bsns_year="2024", reprt_code="11012")
    assert {i["corp_code"] for i in multi["list"]} == {"00126380", "00139719"}
    codes = ",".join(f"{n:08d}" for n in range(101))
    assert _get(client, "fnlttMultiAcnt.json", corp_code=codes, bsns_year="2024", reprt_code="11011")["status"] == "021"
    full = _get(
        client, "fnlttSinglAcntAll.json", corp_code="00139719", bsns_year="2024", reprt_code="11011", fs_div="CFS"
    )
    assert len(full["list"]) > 100 and "," not in full["list"][0]["thstrm_amount"]
    assert (
        _get(
            client, "fnlttSinglAcntAll.json", corp_code="00126380", bsns_year="2024", reprt_code="11011", fs_div="CFS"
        )["status"]
        == "013"
    )
    assert client.get("/nonexistent.json", params={"crtfc_key": KEY}).status_code == 404


def test_latency_fault(simulator: SimulatorHandle, client: httpx.Client) -> None:
    simulator.config.faults.latency_s = 0.3
    start = time.perf_counter()
    _get(client, "company.json", corp_code="00126380")
    assert time.perf_counter() - start >= 0.3


def test_http_error_fault(simulator: SimulatorHandle, client: httpx.Client) -> None:
    simulator.config.faults.error_rate = 1.0
    codes = {
        client.get("/company.json", params={"crtfc_key": KEY, "corp_code": "00126380"}).status_code for _ in range(12)
    }
    assert codes <= {500, 502, 503} and len(codes) > 1
    simulator.config.faults.error_rate = 0.0
    assert _get(client, "company.json", corp_code="00126380")["status"] == "000"
    assert [r.fault for r in simulator.requests[-2:]] == ["http_error", None]


def test_timeout_fault_outlasts_the_client_and_does_not_block_shutdown() -> None:
    start = time.perf_counter()
    with run_simulator(SimulatorConfig(faults=Faults(timeout_rate=1.0, timeout_sleep_s=60))) as sim:
        with pytest.raises(httpx.ReadTimeout):
            httpx.get(f"{sim.base_url}/company.json", params={"crtfc_key": KEY, "corp_code": "00126380"}, timeout=0.5)
    assert time.perf_counter() - start < 10


def test_maintenance_faults(simulator: SimulatorHandle, client: httpx.Client) -> None:
    simulator.config.faults.maintenance_requests = 2
    statuses = [_get(client, "company.json", corp_code="00126380")["status"] for _ in range(3)]
    assert statuses == ["800", "800", "000"]
    simulator.config.faults.maintenance = True
    assert _get(client, "list.json", bgn_de=DAY) == {
        "status": "800",
        "message": "시스템 점검으로 인한 서비스가 중지 중입니다.",
    }
    assert b"<status>800</status>" in client.get("/corpCode.xml", params={"crtfc_key": KEY}).content


def test_malformed_fault_sends_http_200_bodies_that_are_not_json(
    simulator: SimulatorHandle, client: httpx.Client
) -> None:
    simulator.config.faults.malformed_rate = 1.0
    assert client.get("/corpCode.xml", params={"crtfc_key": KEY}).content[:2] == b"PK"  # JSON bodies only
    for _ in range(4):
        response = client.get("/list.json", params={"crtfc_key": KEY, "bgn_de": DAY, "end_de": DAY})
        assert response.status_code == 200
        with pytest.raises(json.JSONDecodeError):
            json.loads(response.content)


def test_new_filings_between_pages_push_rows_across_page_boundaries(
    simulator: SimulatorHandle, client: httpx.Client
) -> None:
    simulator.config.faults.inject_new_filings_per_page = 3
    page1 = _get(client, "list.json", bgn_de=DAY, end_de=DAY, page_count=100)
    page2 = _get(client, "list.json", bgn_de=DAY, end_de=DAY, page_count=100, page_no=2)
    assert page2["total_count"] == page1["total_count"] + 3
    assert [i["rcept_no"] for i in page2["list"][:3]] == [i["rcept_no"] for i in page1["list"][-3:]]
    assert [r.fault for r in simulator.requests] == [None, "injected"]
    simulator.config.faults.inject_new_filings_per_page = 0
    fresh = _get(client, "list.json", bgn_de=DAY, end_de=DAY, page_count=100)
    assert fresh["list"][3] == page1["list"][0]  # the three newcomers now lead the day


def test_faults_are_reproducible_for_a_seed() -> None:
    def run() -> list[int]:
        with (
            run_simulator(SimulatorConfig(faults=Faults(error_rate=0.5), seed=7)) as sim,
            httpx.Client(base_url=sim.base_url) as http,
        ):
            for _ in range(16):
                http.get("/company.json", params={"crtfc_key": KEY, "corp_code": "00126380"})
            return [r.http_status for r in sim.requests]

    first = run()
    assert first == run() and 200 in first and len(set(first)) > 1


def test_dart_fg_sim_serves_in_the_foreground_until_sigint(tmp_path: object) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "dart_assets.cli", "sim", "--port", str(port), "--daily-volume", "50"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ},
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                body = httpx.get(
                    f"http://127.0.0.1:{port}/api/list.json",
                    params={"crtfc_key": KEY, "bgn_de": DAY, "end_de": DAY},
                    timeout=60,
                ).json()
                break
            except httpx.ConnectError:
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.2)
        assert body["total_count"] == 50
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=20) == 0
        assert KEY not in process.stderr.read().decode()  # type: ignore[union-attr]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
