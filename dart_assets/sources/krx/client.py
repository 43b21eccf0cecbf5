"""A client of the KRX Open API: one endpoint, one session date, one call.

`POST {base}/{cat}/{endpoint}` with the key in the `AUTH_KEY` header and `{"basDd": "YYYYMMDD"}`
answers `{"OutBlock_1": [...]}`, every value a string. The answer is empty for weekends and
holidays, and for a past session whose data KRX has not published yet (it appears after
midnight, before 09:00 KST): telling those apart needs the XKRX calendar, so the client returns
the empty list and the ingestion decides. A key not approved for an endpoint gets HTTP 401.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import sqlalchemy as sa

from dart_assets.core.settings import DEFAULT_KRX_BASE_URL as DEFAULT_BASE_URL, Settings, SettingsError, get_settings
from dart_assets.sources.http.caller import MarketCaller
from dart_assets.sources.http.errors import (
    MalformedResponseError,
    QuotaExceededError,
    ServiceError,
    TransportError,
    UnauthorizedError,
)

SOURCE = "KRX"
KOSPI_INDEX = "idx/kospi_dd_trd"
DERIVATIVE_INDICES = "idx/drvprod_dd_trd"
STOCK_TRADES = "sto/stk_bydd_trd"
OPTION_TRADES = "drv/opt_bydd_trd"
GOVERNMENT_BONDS = "bon/kts_bydd_trd"
ENDPOINTS = (KOSPI_INDEX, DERIVATIVE_INDICES, STOCK_TRADES, OPTION_TRADES, GOVERNMENT_BONDS)


def _with_key_header(request: httpx.Request, key: str) -> httpx.Request:
    request.headers["AUTH_KEY"] = key
    return request


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.reason_phrase
    return str(body.get("respMsg") or response.reason_phrase) if isinstance(body, dict) else response.reason_phrase


def parse_rows(response: httpx.Response, endpoint: str) -> list[dict[str, str]]:
    """The OutBlock_1 rows of a KRX answer, or the typed error for anything else."""
    status = response.status_code
    if status == 401:
        raise UnauthorizedError(SOURCE, endpoint, _message(response), http_status=status)
    if status == 429:
        raise QuotaExceededError(SOURCE, endpoint, _message(response), http_status=status)
    if status >= 500:
        raise TransportError(SOURCE, endpoint, response.reason_phrase, http_status=status)
    if status >= 400:
        raise ServiceError(SOURCE, endpoint, _message(response), http_status=status)
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    rows = body.get("OutBlock_1") if isinstance(body, dict) else None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise MalformedResponseError(
            SOURCE,
            endpoint,
            f"expected a JSON object with an OutBlock_1 list ({len(response.content)} bytes)",
            http_status=status,
        )
    return rows


class KrxClient:
    """Synchronous; every call goes through the shared market request path (market/caller.py)."""

    def __init__(
        self, api_key: str, base_url: str = DEFAULT_BASE_URL, *, engine: sa.Engine | None = None, **options: Any
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._caller = MarketCaller(SOURCE, api_key, inject=_with_key_header, engine=engine, **options)

    @classmethod
    def from_settings(
        cls, settings: Settings | None = None, engine: sa.Engine | None = None, **overrides: Any
    ) -> KrxClient:
        settings = settings or get_settings()
        if not settings.krx_api_key:
            raise SettingsError("no KRX Open API key configured: set KRX_API_KEY (the simulator accepts any key)")
        options = {
            "requests_per_second": settings.market_requests_per_second,
            "daily_call_budget": settings.market_daily_call_budget,
        }
        return cls(settings.krx_api_key, settings.krx_base_url, engine=engine, **{**options, **overrides})

    def __repr__(self) -> str:
        return f"KrxClient(base_url={self.base_url!r}, key_id={self._caller.key_id!r})"

    def __enter__(self) -> KrxClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._caller.close()

    def daily(self, endpoint: str, day: date) -> list[dict[str, str]]:
        """The rows of `endpoint` for session `day` as KRX sent them; [] when KRX has none."""
        if endpoint not in ENDPOINTS:
            raise ValueError(f"unknown KRX endpoint {endpoint!r}; expected one of {', '.join(ENDPOINTS)}")
        url = f"{self.base_url}/{endpoint}"
        body = {"basDd": f"{day:%Y%m%d}"}
        return self._caller.call(
            endpoint,
            lambda: self._caller.http.build_request("POST", url, json=body),
            lambda response: parse_rows(response, endpoint),
        )

    def remaining_budget(self) -> int:
        return self._caller.remaining_budget()

    def stats(self) -> dict[str, Any]:
        return self._caller.stats()
