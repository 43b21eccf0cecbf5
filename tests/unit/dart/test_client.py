"""DartClient over httpx.MockTransport: paging, retries, key rotation, budget, redaction."""

import io
import json
import logging
import zipfile
from datetime import date

import httpx
import pytest

from dart_assets.sources.dart import LIST_FIELDS, errors


def test_a_day_is_read_page_by_page_with_the_nine_fields_untouched(fake, make_client, kit):
    client = make_client()
    progress = []
    result = client.list_disclosures(kit.DAY, kit.DAY, on_progress=progress.append)
    assert len(result.rows) == 250 == result.total_count
    assert [list(r) for r in result.rows[:1]] == [list(LIST_FIELDS)]
    assert result.rows[0] == kit.make_row(250)  # raw strings, trailing spaces kept
    assert [int(r.url.params["page_no"]) for r in fake.requests] == [1, 2, 3]
    assert {r.url.params["page_count"] for r in fake.requests} == {"100"}
    params = fake.requests[0].url.params
    assert (params["bgn_de"], params["end_de"], params["last_reprt_at"]) == ("20240102", "20240102", "N")
    assert "corp_code" not in params
    assert params["crtfc_key"] == kit.KEY  # the key reaches DART ...
    assert [(p.page_no, p.total_page, p.rows) for p in progress] == [(1, 3, 100), (2, 3, 200), (3, 3, 250)]
    assert client.stats()["api_calls"] == 3 and client.stats()["retries"] == 0


def test_filings_arriving_while_paging_give_a_complete_result_without_duplicates(fake, make_client):
    fake.insert_per_page, fake.inserts_left = 30, 60
    result = make_client().list_disclosures(date(2024, 1, 2), date(2024, 1, 2))
    numbers = [r["rcept_no"] for r in result.rows]
    assert len(numbers) == len(set(numbers)) == len(fake.listing) == 310
    assert result.total_count == 310
    assert len(fake.requests) == 5  # 3 pages (+1 page the listing grew into) + 1 re-read of the top


def test_an_item_missing_a_field_is_handed_over_for_quarantine_not_retried_as_malformed(fake, make_client):
    del fake.listing[5]["rm"]
    client = make_client()
    result = client.list_disclosures(date(2024, 1, 2), date(2024, 1, 2))
    assert len(result.rows) == 250 and result.rows[5]["rm"] is None and list(result.rows[5]) == list(LIST_FIELDS)
    assert client.stats()["retries"] == 0


def test_long_range_is_split_and_corp_code_range_is_not(fake, make_client):
    fake.listing = []
    client = make_client()
    result = client.list_disclosures(date(2024, 1, 1), date(2024, 12, 31), corp_cls="K")
    assert [(r.url.params["bgn_de"], r.url.params["end_de"]) for r in fake.requests] == [
        ("20240101", "20240331"),
        ("20240401", "20240630"),
        ("20240701", "20240930"),
        ("20241001", "20241231"),
    ]
    assert {r.url.params["corp_cls"] for r in fake.requests} == {"K"}
    assert result.rows == [] and len(result.windows) == 4
    fake.requests.clear()
    client.list_disclosures(date(2016, 1, 1), date(2025, 12, 31), corp_code="00139719")
    assert [(r.url.params["bgn_de"], r.url.params["corp_code"]) for r in fake.requests] == [("20160101", "00139719")]


@pytest.mark.parametrize("bad", [dict(corp_cls="YK"), dict(last_reprt_at="X"), dict(corp_code="139719")])
def test_bad_list_arguments_fail_before_any_call(fake, make_client, bad):
    with pytest.raises(ValueError):
        make_client().list_disclosures(date(2024, 1, 1), date(2024, 1, 2), **bad)
    assert fake.requests == []


@pytest.mark.parametrize(
    "fault",
    [
        lambda kit: kit.status("800", "시스템 점검으로 인한 서비스가 중지 중입니다."),
        lambda kit: kit.status("900"),
        lambda kit: httpx.Response(503, text="busy"),
        lambda kit: httpx.Response(200, text='{"status": "000", "list": [tru'),
        # built when served: httpx decodes the body as the response is made
        lambda kit: lambda request: httpx.Response(200, headers={"Content-Encoding": "gzip"}, content=b"not gzip"),
        lambda kit: httpx.ReadTimeout("timed out"),
        lambda kit: httpx.ConnectError("connection refused"),
    ],
    ids=["800", "900", "http503", "malformed", "bad-encoding", "timeout", "connect"],
)
def test_outages_are_retried(fake, make_client, kit, fault):
    fake.script = [fault(kit), fault(kit)]
    client = make_client(max_attempts=3)
    result = client.list_disclosures(kit.DAY, kit.DAY)
    assert len(result.rows) == 250
    assert [c.attempt for c in client.calls] == [1, 2, 3, 1, 1]
    stats = client.stats()
    assert stats["retries"] == 2 and stats["errors"] == 2 and stats["api_calls"] == 5


def test_outage_outlasting_the_attempts_raises_the_typed_error(fake, make_client, kit):
    fake.script = [kit.status("800")] * 3
    client = make_client(max_attempts=3)
    with pytest.raises(errors.MaintenanceError) as info:
        client.list_disclosures(kit.DAY, kit.DAY)
    assert info.value.__cause__ is None and len(fake.requests) == 3


@pytest.mark.parametrize("code", ["012", "014", "021", "100", "101"])
def test_request_and_configuration_errors_are_never_retried(fake, make_client, kit, code):
    fake.script = [kit.status(code, "DART says no")]
    client = make_client(keys=(kit.KEY, kit.OTHER_KEY))
    with pytest.raises(errors.DartStatusError) as info:
        client.list_disclosures(kit.DAY, kit.DAY)
    assert info.value.status == code and "DART says no" in str(info.value)
    assert len(fake.requests) == 1


@pytest.mark.parametrize("code", ["010", "011", "901"])
def test_a_rejected_key_is_final_with_one_key_and_rotated_with_several(fake, make_client, kit, code):
    fake.script = [kit.status(code)]
    with pytest.raises(errors.DartStatusError) as info:
        make_client().company("00126380")
    assert info.value.status == code and info.value.rejects_key and len(fake.requests) == 1

    fake.requests.clear()
    fake.script = [kit.status(code)]
    fake.routes["company.json"] = lambda r: httpx.Response(
        200, json={"status": "000", "message": "정상", "corp_name": "삼성전자(주)"}
    )
    client = make_client(keys=(kit.KEY, kit.OTHER_KEY))
    assert client.company("00126380") == {"corp_name": "삼성전자(주)"}
    assert [r.url.params["crtfc_key"] for r in fake.requests] == [kit.KEY, kit.OTHER_KEY]
    assert client.stats()["keys_rejected"] == 1 and client.stats()["retries"] == 0


def test_quota_020_moves_to_the_next_key_then_stops_clearly(fake, make_client, kit):
    client = make_client(keys=(kit.KEY, kit.OTHER_KEY))
    fake.script = [kit.status("020", "요청 제한을 초과하였습니다.")]
    assert len(client.list_disclosures(kit.DAY, kit.DAY).rows) == 250
    assert [r.url.params["crtfc_key"] for r in fake.requests] == [kit.KEY] + [kit.OTHER_KEY] * 3
    fake.script = [kit.status("020")]
    with pytest.raises(errors.QuotaExceededError, match="daily quota exhausted on all 2 key"):
        client.list_disclosures(kit.DAY, kit.DAY)
    assert client.remaining_budget() == 0
    with pytest.raises(errors.QuotaExceededError, match="all 2 key"):  # nothing is sent any more
        client.company("00126380")
    assert len(fake.requests) == 5


def test_a_refused_key_beside_a_spent_one_is_a_budget_stop_not_a_key_error(fake, make_client, kit):
    # The run must stop as a quota stop (resumable after the reset), naming the refused key too.
    client = make_client(keys=(kit.KEY, kit.OTHER_KEY), daily_call_budget=1)
    fake.script = [kit.status("010")]
    with pytest.raises(errors.DailyBudgetExhaustedError, match=f"key {client.key_ids[0]}: 010"):
        client.list_disclosures(kit.DAY, kit.DAY)
    assert [r.url.params["crtfc_key"] for r in fake.requests] == [kit.KEY, kit.OTHER_KEY]


def test_daily_budget_stops_before_calling_and_spills_to_the_next_key(fake, make_client, kit):
    client = make_client(keys=(kit.KEY, kit.OTHER_KEY), daily_call_budget=2)
    assert client.remaining_budget() == 4
    client.list_disclosures(kit.DAY, kit.DAY)  # 3 calls: 2 on the first key, 1 on the second
    assert [r.url.params["crtfc_key"] for r in fake.requests] == [kit.KEY, kit.KEY, kit.OTHER_KEY]
    assert client.remaining_budget() == 1
    fake.listing = fake.listing[:150]
    with pytest.raises(errors.DailyBudgetExhaustedError, match="2 calls per key per day"):
        client.list_disclosures(kit.DAY, kit.DAY)
    assert len(fake.requests) == 4 and client.remaining_budget() == 0


def test_rate_limit_spaces_the_calls(fake, make_client, kit):
    import time

    client = make_client(requests_per_second=20)
    started = time.perf_counter()
    client.list_disclosures(kit.DAY, kit.DAY)
    assert time.perf_counter() - started >= 2 / 20 * 0.9  # 3 calls, 2 intervals


def test_multi_accounts_batches_at_most_100_codes(fake, make_client):
    seen = []

    def handler(request):
        codes = request.url.params["corp_code"].split(",")
        seen.append(codes)
        return httpx.Response(200, json={"status": "000", "message": "정상", "list": [{"corp_code": c} for c in codes]})

    fake.routes["fnlttMultiAcnt.json"] = handler
    codes = [f"{i:08d}" for i in range(1, 251)]
    rows = make_client().multi_accounts(codes + codes[:5], 2023, "11011")
    assert [len(b) for b in seen] == [100, 100, 50]
    assert [r["corp_code"] for r in rows] == codes


def test_single_accounts_and_no_data(fake, make_client, kit):
    fake.routes["fnlttSinglAcnt.json"] = lambda r: kit.status("013", "조회된 데이타가 없습니다.")
    client = make_client()
    assert client.single_accounts("00126380", 2023, "11011") == []
    params = fake.requests[-1].url.params
    assert (params["corp_code"], params["bsns_year"], params["reprt_code"]) == ("00126380", "2023", "11011")
    with pytest.raises(ValueError, match="reprt_code"):
        client.single_accounts("00126380", 2023, "11015")


def _zip(xml: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("CORPCODE.xml", xml)
    return buffer.getvalue()


CORPCODE = (
    '<?xml version="1.0" encoding="UTF-8"?><result>\n'
    "<list><corp_code>00126380</corp_code><corp_name>삼성전자</corp_name>"
    "<corp_eng_name>SAMSUNG ELECTRONICS CO,.LTD</corp_eng_name><stock_code>005930</stock_code>"
    "<modify_date>20250403</modify_date></list>\n"
    "<list><corp_code>00434003</corp_code><corp_name>다코</corp_name>"
    "<corp_eng_name>Daco corporation</corp_eng_name><stock_code> </stock_code>"
    "<modify_date>20170630</modify_date></list>\n"
    "</result>"
).encode()


def test_corp_codes_from_the_zip(fake, make_client):
    fake.routes["corpCode.xml"] = lambda r: httpx.Response(200, content=_zip(CORPCODE))
    rows = make_client().corp_codes()
    assert rows == [
        {
            "corp_code": "00126380",
            "corp_name": "삼성전자",
            "corp_eng_name": "SAMSUNG ELECTRONICS CO,.LTD",
            "stock_code": "005930",
            "modify_date": "20250403",
        },
        {
            "corp_code": "00434003",
            "corp_name": "다코",
            "corp_eng_name": "Daco corporation",
            "stock_code": None,
            "modify_date": "20170630",
        },
    ]


def test_corp_codes_xml_error_body_is_the_typed_error(fake, make_client):
    body = (
        '<?xml version="1.0" encoding="UTF-8"?><result><status>010</status>'
        "<message>등록되지 않은 키입니다.</message></result>"
    )
    fake.routes["corpCode.xml"] = lambda r: httpx.Response(
        200, content=body.encode(), headers={"content-type": "application/xml"}
    )
    with pytest.raises(errors.InvalidKeyError, match="등록되지 않은 키입니다"):
        make_client().corp_codes()


def test_corrupt_zip_is_a_clear_error_after_retries(fake, make_client):
    fake.routes["corpCode.xml"] = lambda r: httpx.Response(200, content=_zip(CORPCODE)[:200])
    client = make_client(max_attempts=2)
    with pytest.raises(errors.CorruptZipError, match="corpCode.xml: the ZIP archive is corrupt") as info:
        client.corp_codes()
    assert info.value.__context__ is None and len(fake.requests) == 2


def test_the_key_never_leaks(fake, make_client, kit, caplog):
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "dart_assets"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    client = make_client(keys=(kit.KEY, kit.OTHER_KEY), max_attempts=3)
    fake.script = [
        httpx.ConnectError(f"refused http://dart.test/api/list.json?crtfc_key={kit.KEY}"),
        kit.status("020"),
        httpx.Response(500),
    ]
    client.list_disclosures(kit.DAY, kit.DAY)
    fake.script = [kit.status("010")]
    # KEY is spent for today (020), OTHER_KEY now refused: a quota stop naming both
    with pytest.raises(errors.QuotaExceededError, match=": 010") as info:
        client.company("00126380")
    texts = [str(info.value), repr(info.value), repr(client), json.dumps(client.stats()), repr(client.calls)]
    texts += [r.getMessage() for r in caplog.records]
    assert any("list.json" in t for t in texts)  # the log was captured at all
    for secret in (kit.KEY, kit.OTHER_KEY):
        assert all(secret not in t for t in texts)
