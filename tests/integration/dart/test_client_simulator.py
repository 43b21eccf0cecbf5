"""The client over real HTTP against the simulator: every endpoint and every fault."""

import logging
import re
from datetime import date

import pytest

from dart_assets.sources.dart import LIST_FIELDS, errors
from simulators.recorded import DATA_DIR

DAY = date(2026, 9, 15)  # a Tuesday


def _http_statuses(sim):
    return [r.http_status for r in sim.requests]


def test_list_reads_every_page_of_a_day(sim, dart, keys):
    client = dart()
    result = client.list_disclosures(DAY, DAY)
    assert result.total_count == keys.VOLUME == len(result.rows)
    assert len({r["rcept_no"] for r in result.rows}) == keys.VOLUME
    assert all(list(r) == list(LIST_FIELDS) and r["rcept_dt"] == "20260915" for r in result.rows)
    assert [r.params["page_no"] for r in sim.requests] == ["1", "2", "3"]
    assert {r.params["page_count"] for r in sim.requests} == {"100"}
    assert client.stats()["api_calls"] == 3


def test_list_of_a_long_range_uses_three_month_windows_dart_accepts(sim, dart):
    result = dart().list_disclosures(date(2026, 1, 1), date(2026, 7, 15), corp_cls="Y")
    windows = sorted({(r.params["bgn_de"], r.params["end_de"]) for r in sim.requests})
    assert windows == [("20260101", "20260331"), ("20260401", "20260630"), ("20260701", "20260715")]
    assert all(r.status == "000" for r in sim.requests)  # no status 100 for a too-long window
    assert result.rows and {r["corp_cls"] for r in result.rows} == {"Y"}
    assert len(result.rows) == result.total_count == len({r["rcept_no"] for r in result.rows})


def test_list_of_one_company_over_years(sim, dart):
    # The simulator generates every day of the range on first use: allow it the time.
    result = dart(timeout=120).list_disclosures(date(2024, 1, 1), date(2025, 12, 31), corp_code="00139719")
    assert {(r.params["bgn_de"], r.params["end_de"]) for r in sim.requests} == {("20240101", "20251231")}
    assert result.rows and {r["corp_code"] for r in result.rows} == {"00139719"}
    assert len(result.rows) == result.total_count


def test_a_day_without_filings_is_empty_not_an_error(sim, dart):
    result = dart().list_disclosures(date(2030, 1, 1), date(2030, 1, 1))  # nothing filed yet
    assert result.rows == [] and result.total_count == 0
    assert [r.status for r in sim.requests] == ["013"]


def test_new_filings_during_paging_give_a_complete_result_without_duplicates(sim, dart, keys):
    sim.config.faults.inject_new_filings_per_page = 7
    client = dart()
    day = date(2026, 9, 16)
    result = client.list_disclosures(day, day)
    numbers = [r["rcept_no"] for r in result.rows]
    assert len(numbers) == len(set(numbers)) == result.total_count > keys.VOLUME
    # What DART holds once the dust settles is exactly what was returned.
    sim.config.faults.inject_new_filings_per_page = 0
    settled = dart().list_disclosures(day, day)
    assert {r["rcept_no"] for r in settled.rows} == set(numbers)
    assert result.windows[0].reread_passes == 1
    assert client.stats()["api_calls"] == result.windows[0].pages_read <= -(-result.total_count // 100) + 1


def test_corp_codes(sim, dart):
    rows = dart().corp_codes()
    assert len(rows) > 100_000
    assert set(rows[0]) == {"corp_code", "corp_name", "corp_eng_name", "stock_code", "modify_date"}
    samsung = next(r for r in rows if r["corp_code"] == "00126380")
    assert samsung["stock_code"] == "005930"
    assert any(r["stock_code"] is None for r in rows)  # " " in the XML
    assert all(r["stock_code"] is None or r["stock_code"].strip() == r["stock_code"] != "" for r in rows)


def test_company_and_accounts(sim, dart):
    client = dart()
    company = client.company("00126380")
    assert company["corp_name"] == "삼성전자(주)" and company["stock_code"] == "005930" and "status" not in company
    single = client.single_accounts("00126380", 2023, "11011")
    assert single and {r["fs_div"] for r in single} <= {"CFS", "OFS"}
    assert all(r["corp_code"] == "00126380" and r["reprt_code"] == "11011" for r in single)


def test_multi_accounts_batches_100_codes_a_call(sim, dart):
    recorded = DATA_DIR / "CORPCODE_listed_2025-07-25.xml"
    listed = re.findall(r"<corp_code>(\d{8})</corp_code>", recorded.read_text(encoding="utf-8"))[:150]
    accounts = dart().multi_accounts(listed, 2023, "11011")
    batches = [r.params["corp_code"].split(",") for r in sim.requests]
    assert [len(b) for b in batches] == [100, 50] and all(r.status in ("000", "013") for r in sim.requests)
    assert accounts and {a["corp_code"] for a in accounts} <= set(listed)


def test_latency_is_measured(sim, dart):
    sim.config.faults.latency_s = 0.1
    client = dart()
    client.company("00126380")
    assert client.calls[0].latency_ms >= 100 and client.stats()["latency_ms_max"] >= 100


def test_http_5xx_are_retried_to_a_complete_result(sim, dart, keys):
    sim.config.faults.error_rate = 0.3
    client = dart(max_attempts=10)
    result = client.list_disclosures(DAY, DAY)
    assert len(result.rows) == keys.VOLUME == len({r["rcept_no"] for r in result.rows})
    failed = [s for s in _http_statuses(sim) if s >= 500]
    assert failed and client.stats()["retries"] == len(failed) == client.stats()["errors"]


def test_timeouts_are_retried(sim, dart):
    sim.config.faults.timeout_rate, sim.config.faults.timeout_sleep_s = 1.0, 2.0
    client = dart(timeout=0.3, max_attempts=2)
    with pytest.raises(errors.TransportError, match="timed out"):
        client.company("00126380")
    assert [c.error for c in client.calls] == ["TransportError"] * 2
    sim.config.faults.timeout_rate = 0.0
    assert client.company("00126380")["stock_code"] == "005930"


def test_maintenance_800_is_retried_then_reported(sim, dart):
    sim.config.faults.maintenance_requests = 2
    client = dart(max_attempts=3)
    assert client.company("00126380")["corp_cls"] == "Y"
    assert [c.status for c in client.calls] == ["800", "800", "000"]
    sim.config.faults.maintenance = True
    with pytest.raises(errors.MaintenanceError, match="status 800"):
        client.company("00126380")
    assert len(client.calls) == 6


def test_malformed_json_is_retried(sim, dart, keys):
    sim.config.faults.malformed_rate = 0.3
    client = dart(max_attempts=10)
    result = client.list_disclosures(DAY, DAY)
    assert len(result.rows) == keys.VOLUME
    assert "MalformedResponseError" in {c.error for c in client.calls}
    assert any(r.fault == "malformed" for r in sim.requests)


def test_quota_020_rotates_keys_then_stops_clearly(sim, dart, keys):
    sim.config.faults.quota = 2
    client = dart(keys=(keys.KEY, keys.OTHER_KEY))
    result = client.list_disclosures(DAY, DAY)  # 3 pages: 2 on the first key, 020, then the second key
    assert len(result.rows) == keys.VOLUME
    assert [r.status for r in sim.requests] == ["000", "000", "020", "000"]
    with pytest.raises(errors.QuotaExceededError, match="daily quota exhausted on all 2 key"):
        client.list_disclosures(DAY, DAY)
    assert [r.status for r in sim.requests][4:] == ["000", "020"]
    assert client.remaining_budget() == 0


def test_unknown_key_010_is_not_retried(sim, dart, keys):
    sim.config.valid_keys = {keys.OTHER_KEY}
    with pytest.raises(errors.InvalidKeyError, match="not registered"):
        dart().list_disclosures(DAY, DAY)
    assert [r.status for r in sim.requests] == ["010"]
    sim.requests.clear()
    result = dart(keys=(keys.KEY, keys.OTHER_KEY)).list_disclosures(DAY, DAY)  # the good key takes over
    assert len(result.rows) == keys.VOLUME and [r.status for r in sim.requests][0] == "010"


def test_corrupt_zip_is_a_clear_error(sim, dart):
    sim.config.faults.corrupt_zip = True
    with pytest.raises(errors.CorruptZipError, match="corpCode.xml: the ZIP archive is corrupt"):
        dart(max_attempts=2).corp_codes()
    assert len(sim.requests) == 2


@pytest.mark.parametrize(
    ("status", "cls"),
    [("010", errors.InvalidKeyError), ("020", errors.QuotaExceededError), ("800", errors.MaintenanceError)],
)
def test_xml_error_body_on_corp_codes_is_the_typed_error(sim, dart, status, cls):
    sim.config.faults.xml_error_status = status
    with pytest.raises(cls):
        dart(max_attempts=2).corp_codes()


def test_the_key_appears_in_no_log_line_and_no_exception(sim, dart, keys, caplog):
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "dart_assets", "uvicorn"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    sim.config.faults.error_rate = 0.3
    sim.config.faults.malformed_rate = 0.2
    sim.config.faults.quota = 1
    client = dart(keys=(keys.KEY, keys.OTHER_KEY), max_attempts=10)
    raised = []
    try:
        client.list_disclosures(DAY, DAY)
    except errors.DartError as exc:
        raised.append(exc)
    sim.config.faults = type(sim.config.faults)(timeout_rate=1.0, timeout_sleep_s=1.0)
    for call in (
        lambda: dart(timeout=0.2, max_attempts=1).company("00126380"),
        lambda: dart(keys=("x" * 40,), max_attempts=1, timeout=5).corp_codes(),
    ):
        try:
            call()
        except errors.DartError as exc:
            raised.append(exc)
    assert raised and any(r.name.startswith("httpx") for r in caplog.records)
    # Every record counts, the simulator's own uvicorn access lines included.
    records = caplog.records
    texts = [r.getMessage() for r in records] + [caplog.handler.format(r) for r in records]
    for exc in raised:
        texts += [str(exc), repr(exc), str(exc.__cause__), str(exc.__context__)]
    texts += [repr(client), repr(client.calls), str(client.stats())]
    for key in (keys.KEY, keys.OTHER_KEY):
        assert not [t for t in texts if key in t]


def test_categorised_listing_gives_every_filing_its_dart_category(sim, dart, keys):
    """One read per pblntf_ty A-J, reconciled with DART's unfiltered total: the same filings as
    a plain read, each with the category the simulator filed it under, ~11 calls more."""
    plain = dart().list_disclosures(DAY, DAY)
    plain_calls = len(sim.requests)
    sim.requests.clear()
    client = dart()
    result = client.list_disclosures(DAY, DAY, categorise=True)
    assert {r["rcept_no"] for r in result.rows} == {r["rcept_no"] for r in plain.rows}
    assert result.total_count == plain.total_count == len(result.rows)
    categories = {r["rcept_no"]: r["pblntf_ty"] for r in result.rows}
    assert set(categories.values()) <= set("ABCDEFGHIJ") and None not in categories.values()
    served = {f.rcept_no: f.pblntf_ty for f in sim.filings(DAY)}
    assert categories == {no: served[no] for no in categories}
    assert len(set(categories.values())) >= 3  # a real mix, not one category for all
    assert [r.params.get("pblntf_ty") for r in sim.requests][-1] is None  # the reconciling total
    assert plain_calls < client.stats()["api_calls"] <= plain_calls + 11 + 10


def test_categorised_listing_adds_filings_of_no_category_from_the_plain_listing(sim, dart):
    sim.config.faults.inject_new_filings_per_page = 3  # filed while the categories are read
    result = dart().list_disclosures(DAY, DAY, categorise=True)
    assert len(result.rows) == result.total_count == len({r["rcept_no"] for r in result.rows})
    settled = {f.rcept_no for f in sim.filings(DAY)}
    assert {r["rcept_no"] for r in result.rows} == settled
