"""A client of ECOS StatisticSearch for daily market rates (table 817Y002).

`GET {base}/StatisticSearch/{KEY}/json/kr/{first_row}/{last_row}/817Y002/D/{from}/{to}/{item}`.
The key is a path segment, so the request httpx logs carries a placeholder and the transport
puts the key in at the last moment. ECOS answers HTTP 200 for everything: data under
`StatisticSearch`, otherwise `RESULT` with a code (INFO-200 no data, INFO-100 bad key,
ERROR-602 too many calls, ERROR-5xx/6xx server trouble).
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

import httpx
import sqlalchemy as sa

from dart_assets.core.settings import DEFAULT_ECOS_BASE_URL as DEFAULT_BASE_URL, Settings, SettingsError, get_settings
from dart_assets.sources.http.caller import MarketCaller
from dart_assets.sources.http.errors import (
    InvalidKeyError,
    MalformedResponseError,
    QuotaExceededError,
    RetryableServiceError,
    ServiceError,
    TransportError,
)
from dart_assets.sources.http.transport import with_url

SOURCE = "ECOS"
MARKET_RATES = "817Y002"
KTB_3Y, KTB_10Y, CORPORATE_AA_MINUS_3Y, CORPORATE_BBB_MINUS_3Y = "010200000", "010210000", "010300000", "010320000"
ITEMS = (KTB_3Y, KTB_10Y, CORPORATE_AA_MINUS_3Y, CORPORATE_BBB_MINUS_3Y)
PAGE_ROWS = 1000
_KEY_PLACEHOLDER = "KEY"
_RETRYABLE_CODES = ("ERROR-500", "ERROR-600", "ERROR-601")


def _with_key_segment(request: httpx.Request, key: str) -> httpx.Request:
    parts = request.url.path.split("/")
    parts[parts.index(_KEY_PLACEHOLDER)] = key
    return with_url(request, request.url.copy_with(path="/".join(parts)))


def parse_page(response: httpx.Response, endpoint: str) -> tuple[list[dict[str, Any]], int]:
    """(rows, list_total_count) of one StatisticSearch answer; ([], 0) for INFO-200."""
    if response.status_code >= 500:
        raise TransportError(SOURCE, endpoint, response.reason_phrase, http_status=response.status_code)
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("RESULT"), dict):
        code = str(body["RESULT"].get("CODE", ""))
        message = f"{code} {body['RESULT'].get('MESSAGE', '')}".strip()
        if code == "INFO-200":
            return [], 0
        if code == "INFO-100":
            raise InvalidKeyError(SOURCE, endpoint, message)
        if code == "ERROR-602":
            raise QuotaExceededError(SOURCE, endpoint, message)
        raise (RetryableServiceError if code in _RETRYABLE_CODES else ServiceError)(SOURCE, endpoint, message)
    search: Any = body.get("StatisticSearch") if isinstance(body, dict) else None
    try:
        rows = search["row"]
        total = int(search["list_total_count"])
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise TypeError("row is not a list of objects")
    except (KeyError, TypeError, ValueError) as exc:
        raise MalformedResponseError(
            SOURCE,
            endpoint,
            f"expected StatisticSearch rows or a RESULT ({type(exc).__name__}, {len(response.content)} bytes)",
            http_status=response.status_code,
        ) from None
    return rows, total


class EcosClient:
    """Synchronous; every call goes through the shared market request path (market/caller.py)."""

    def __init__(
        self, api_key: str, base_url: str = DEFAULT_BASE_URL, *, engine: sa.Engine | None = None, **options: Any
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._caller = MarketCaller(SOURCE, api_key, inject=_with_key_segment, engine=engine, **options)

    @classmethod
    def from_settings(
        cls, settings: Settings | None = None, engine: sa.Engine | None = None, **overrides: Any
    ) -> EcosClient:
        settings = settings or get_settings()
        if not settings.ecos_api_key:
            raise SettingsError("no ECOS API key configured: set ECOS_API_KEY (the simulator accepts any key)")
        options = {
            "requests_per_second": settings.market_requests_per_second,
            "daily_call_budget": settings.market_daily_call_budget,
        }
        return cls(settings.ecos_api_key, settings.ecos_base_url, engine=engine, **{**options, **overrides})

    def __repr__(self) -> str:
        return f"EcosClient(base_url={self.base_url!r}, key_id={self._caller.key_id!r})"

    def __enter__(self) -> EcosClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._caller.close()

    def daily_rates(self, item_code: str, start: date, end: date) -> list[dict[str, Any]]:
        """Every daily row of 817Y002 `item_code` in [start, end], paging through ECOS's row ranges."""
        if item_code not in ITEMS:
            raise ValueError(f"unknown 817Y002 item {item_code!r}; expected one of {', '.join(ITEMS)}")
        if end < start:
            raise ValueError(f"end date {end} is before start date {start}")
        endpoint = f"StatisticSearch/{MARKET_RATES}/{item_code}"
        rows: list[dict[str, Any]] = []
        first = 1
        while True:
            url = (
                f"{self.base_url}/StatisticSearch/{_KEY_PLACEHOLDER}/json/kr/{first}/{first + PAGE_ROWS - 1}/"
                f"{MARKET_RATES}/D/{start:%Y%m%d}/{end:%Y%m%d}/{item_code}"
            )
            page, total = self._caller.call(
                endpoint, partial(self._caller.http.build_request, "GET", url), lambda r: parse_page(r, endpoint)
            )
            rows.extend(page)
            first += PAGE_ROWS
            if not page or first > total:
                return rows

    def remaining_budget(self) -> int:
        return self._caller.remaining_budget()

    def stats(self) -> dict[str, Any]:
        return self._caller.stats()
