"""KRX and ECOS clients against scripted answers (httpx.MockTransport); the simulator covers real HTTP."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import httpx
import pytest

from dart_assets.sources.ecos.client import EcosClient
from dart_assets.sources.http import errors
from dart_assets.sources.krx.client import KOSPI_INDEX, KrxClient
from dart_assets.sources.market.values import is_number_text, parse_decimal

KEY = "KRXs3cr3tKEY-do-not-print"
ECOS_KEY = "ECOSs3cr3tKEY0000000"
FAST = {"backoff_base_s": 0.001, "backoff_max_s": 0.002, "requests_per_second": 1000.0}


def krx(handler: Callable[[httpx.Request], httpx.Response], **options) -> KrxClient:
    return KrxClient(KEY, "https://krx.test/svc/apis", transport=httpx.MockTransport(handler), **{**FAST, **options})


def ecos(handler: Callable[[httpx.Request], httpx.Response], **options) -> EcosClient:
    return EcosClient(ECOS_KEY, "https://ecos.test/api", transport=httpx.MockTransport(handler), **{**FAST, **options})


def test_krx_posts_the_session_with_the_key_in_the_header_only():
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(
            200, json={"OutBlock_1": [{"BAS_DD": "20240104", "IDX_NM": "코스피", "CLSPRC_IDX": "2587.02"}]}
        )

    with krx(handler) as client:
        rows = client.daily(KOSPI_INDEX, date(2024, 1, 4))
    assert rows[0]["CLSPRC_IDX"] == "2587.02"
    assert seen[0].method == "POST" and seen[0].url.path == "/svc/apis/idx/kospi_dd_trd"
    assert seen[0].headers["AUTH_KEY"] == KEY and KEY not in str(seen[0].url)
    assert seen[0].content == b'{"basDd":"20240104"}'


@pytest.mark.parametrize(
    ("response", "error"),
    [
        (httpx.Response(401, json={"respMsg": "Unauthorized API Call", "respCode": "401"}), errors.UnauthorizedError),
        (httpx.Response(429, json={"respMsg": "limit", "respCode": "429"}), errors.QuotaExceededError),
        (httpx.Response(400, json={"respMsg": "bad basDd"}), errors.ServiceError),
        (httpx.Response(200, text="<html>maintenance</html>"), errors.MalformedResponseError),
        (httpx.Response(200, json={"OutBlock_1": "nope"}), errors.MalformedResponseError),
        (httpx.Response(503, text="down"), errors.TransportError),
    ],
)
def test_krx_typed_errors_retry_only_what_can_succeed_later(response, error):
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return response

    with krx(handler, max_attempts=3) as client, pytest.raises(error) as raised:
        client.daily(KOSPI_INDEX, date(2024, 1, 4))
    assert len(calls) == (3 if error.retryable else 1)
    assert KEY not in str(raised.value)


def test_krx_recovers_from_a_transient_outage_and_counts_the_retry():
    answers = [httpx.Response(502), httpx.Response(200, json={"OutBlock_1": []})]
    with krx(lambda request: answers.pop(0)) as client:
        assert client.daily(KOSPI_INDEX, date(2024, 1, 6)) == []
        assert client.stats()["api_calls"] == 2 and client.stats()["retries"] == 1


def test_daily_budget_stops_before_calling():
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, json={"OutBlock_1": []})

    with krx(handler, daily_call_budget=2) as client:
        client.daily(KOSPI_INDEX, date(2024, 1, 4))
        client.daily(KOSPI_INDEX, date(2024, 1, 5))
        with pytest.raises(errors.DailyBudgetExhaustedError):
            client.daily(KOSPI_INDEX, date(2024, 1, 8))
        assert len(calls) == 2 and client.remaining_budget() == 0


def test_unknown_endpoint_is_refused_before_any_call():
    with krx(lambda r: httpx.Response(200)) as client, pytest.raises(ValueError, match="unknown KRX endpoint"):
        client.daily("sto/nope", date(2024, 1, 4))


def _ecos_rows(n: int) -> list[dict[str, str]]:
    return [
        {"STAT_CODE": "817Y002", "ITEM_CODE1": "010210000", "TIME": f"2024{i:04d}", "DATA_VALUE": "3.1"}
        for i in range(n)
    ]


def test_ecos_pages_through_row_ranges_with_the_key_only_on_the_wire(caplog):
    total = _ecos_rows(1500)
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        parts = request.url.path.split("/")
        first, last = int(parts[6]), int(parts[7])
        return httpx.Response(
            200, json={"StatisticSearch": {"list_total_count": len(total), "row": total[first - 1 : last]}}
        )

    caplog.set_level(logging.DEBUG)
    with ecos(handler) as client:
        rows = client.daily_rates("010210000", date(2020, 1, 1), date(2024, 12, 31))
    assert len(rows) == 1500 and len(seen) == 2
    assert seen[0].url.path == f"/api/StatisticSearch/{ECOS_KEY}/json/kr/1/1000/817Y002/D/20200101/20241231/010210000"
    assert ECOS_KEY not in caplog.text and "/StatisticSearch/KEY/" in caplog.text  # httpx logs the placeholder


@pytest.mark.parametrize(
    ("result", "error"),
    [
        ({"CODE": "INFO-100", "MESSAGE": "인증키가 유효하지 않습니다."}, errors.InvalidKeyError),
        ({"CODE": "ERROR-602", "MESSAGE": "과도한 OpenAPI호출"}, errors.QuotaExceededError),
        ({"CODE": "ERROR-500", "MESSAGE": "서버 오류"}, errors.RetryableServiceError),
        ({"CODE": "ERROR-101", "MESSAGE": "날짜 형식"}, errors.ServiceError),
    ],
)
def test_ecos_result_codes_become_typed_errors(result, error):
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, json={"RESULT": result})

    with ecos(handler, max_attempts=2) as client, pytest.raises(error) as raised:
        client.daily_rates("010210000", date(2024, 1, 4), date(2024, 1, 4))
    assert len(calls) == (2 if error.retryable else 1)
    assert result["CODE"] in str(raised.value) and ECOS_KEY not in str(raised.value)


def test_ecos_no_data_is_an_empty_list_and_a_broken_body_is_malformed():
    with ecos(
        lambda r: httpx.Response(200, json={"RESULT": {"CODE": "INFO-200", "MESSAGE": "해당하는 데이터가 없습니다."}})
    ) as client:
        assert client.daily_rates("010200000", date(2024, 1, 6), date(2024, 1, 7)) == []
    with ecos(lambda r: httpx.Response(200, json={"StatisticSearch": {"row": []}}), max_attempts=1) as client:
        with pytest.raises(errors.MalformedResponseError):
            client.daily_rates("010200000", date(2024, 1, 6), date(2024, 1, 7))


def test_errors_survive_pickling_with_their_fields():
    import pickle

    error = pickle.loads(pickle.dumps(errors.UnauthorizedError("KRX", "idx/kospi_dd_trd", "x", http_status=401)))
    assert (error.source, error.endpoint, error.http_status) == ("KRX", "idx/kospi_dd_trd", 401)


@pytest.mark.parametrize(
    ("text", "value"), [("2,587.02", Decimal("2587.02")), ("-", None), ("", None), ("-0.78", Decimal("-0.78"))]
)
def test_values_are_exact_decimals(text, value):
    assert parse_decimal(text) == value and is_number_text(text)


@pytest.mark.parametrize("text", ["12a", "1.2.3", "١٢", "NaN", "1e5"])
def test_non_numbers_are_refused(text):
    assert not is_number_text(text)
    with pytest.raises(ValueError):
        parse_decimal(text)
