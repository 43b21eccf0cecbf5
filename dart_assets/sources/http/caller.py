"""The request path every market-data call goes through (KRX Open API and ECOS).

The same treatment as OpenDART calls get (dart/client.py), for services with other envelopes:
a client-side rate ceiling, the daily budget per key counted per Asia/Seoul day (in
`dart_ops.api_quota_usage` when an engine is given, so every run shares it), retries with
exponential backoff and jitter only for what a later attempt can fix (5xx, timeouts, broken
bodies), a record of every call for run metadata, and the key kept out of everything that can
be printed: it is added to the request by the transport, after httpx has logged it.
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import sqlalchemy as sa

from dart_assets.core.redaction import key_id, redact
from dart_assets.sources.http.calls import CallCounter, call_stats, retry_policy, status_label
from dart_assets.sources.http.errors import (
    DailyBudgetExhaustedError,
    MalformedResponseError,
    MarketError,
    TransportError,
)
from dart_assets.sources.http.quota import QuotaLedger, quota_ledger
from dart_assets.sources.http.ratelimit import rate_limiter
from dart_assets.sources.http.transport import KEY_EXTENSION, SecretInjectingTransport

logger = logging.getLogger(__name__)

T = TypeVar("T")


@dataclass(frozen=True)
class CallRecord:
    """One HTTP call, for run metadata; `key_id` is a fingerprint, never the key."""

    endpoint: str
    http_status: int | None
    latency_ms: float
    attempt: int
    key_id: str
    error: str | None


class MarketCaller:
    """One key of one service and the calls made with it.

    `parse(response)` turns a response into a value or raises a MarketError; the caller retries
    what is retryable and records every attempt.
    """

    def __init__(
        self,
        source: str,
        api_key: str,
        *,
        inject: Callable[[httpx.Request, str], httpx.Request],
        engine: sa.Engine | None = None,
        requests_per_second: float = 2.0,
        daily_call_budget: int = 10_000,
        timeout: float = 60.0,
        max_attempts: int = 4,
        backoff_base_s: float = 0.5,
        backoff_max_s: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not api_key or not api_key.strip():
            raise ValueError(f"no {source} API key given")
        if max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {max_attempts!r}")
        self.source = source
        self._key = api_key.strip()
        self.key_id = key_id(self._key)
        # The ledger row names the service too: dart_ops.api_quota_usage holds OpenDART keys as
        # bare fingerprints, and a KRX key's budget is not an OpenDART key's.
        self._ledger_id = f"{source}:{self.key_id}"
        self._quota: QuotaLedger = quota_ledger(engine, daily_call_budget)
        self._counter = CallCounter(engine, source.lower()) if engine else None
        self._limiter = rate_limiter(engine, source.lower(), requests_per_second)
        self.http = httpx.Client(
            transport=SecretInjectingTransport(transport or httpx.HTTPTransport(), inject),
            timeout=timeout,
            headers={"User-Agent": "dart-fg"},
        )
        self._retrying = retry_policy(
            logger, MarketError, max_attempts=max_attempts, backoff_base_s=backoff_base_s, backoff_max_s=backoff_max_s
        )
        self.calls: list[CallRecord] = []

    def __repr__(self) -> str:
        return f"MarketCaller(source={self.source!r}, key_id={self.key_id!r})"

    def close(self) -> None:
        self.http.close()

    def call(self, endpoint: str, build: Callable[[], httpx.Request], parse: Callable[[httpx.Response], T]) -> T:
        """`build()` makes a key-less request (a fresh one per attempt); see the class docstring."""
        attempts = itertools.count(1)
        return self._retrying.copy()(lambda: self._attempt(endpoint, build, parse, next(attempts)))

    def _attempt(
        self, endpoint: str, build: Callable[[], httpx.Request], parse: Callable[[httpx.Response], T], attempt: int
    ) -> T:
        if not self._quota.reserve(self._ledger_id):
            raise DailyBudgetExhaustedError(
                self.source, endpoint, f"{self._quota.budget} calls for key {self.key_id} today (Asia/Seoul)"
            )
        self._limiter.wait()
        request = build()
        request.extensions[KEY_EXTENSION] = self._key
        http_status: int | None = None
        error: MarketError | None = None
        value: T | None = None
        started = time.perf_counter()
        try:
            response = self.http.send(request)
        except httpx.TimeoutException as exc:
            error = TransportError(self.source, endpoint, f"timed out ({type(exc).__name__})")
        except httpx.DecodingError as exc:
            error = MalformedResponseError(self.source, endpoint, redact(f"{type(exc).__name__}: {exc}", [self._key]))
        except httpx.RequestError as exc:
            error = TransportError(self.source, endpoint, redact(f"{type(exc).__name__}: {exc}", [self._key]))
        else:
            http_status = response.status_code
            try:
                value = parse(response)
            except MarketError as exc:
                error = exc
        latency_ms = round((time.perf_counter() - started) * 1000, 2)
        self.calls.append(
            CallRecord(endpoint, http_status, latency_ms, attempt, self.key_id, type(error).__name__ if error else None)
        )
        if self._counter is not None:
            self._counter.record(
                endpoint, status_label(None, http_status), type(error).__name__ if error else None, latency_ms
            )
        logger.debug(
            "%s %s -> HTTP %s in %.0f ms (attempt %d, key %s)%s",
            self.source,
            endpoint,
            http_status,
            latency_ms,
            attempt,
            self.key_id,
            f" {type(error).__name__}" if error else "",
        )
        if error is not None:
            raise error
        return value  # type: ignore[return-value]

    def remaining_budget(self) -> int:
        return self._quota.remaining(self._ledger_id)

    def stats(self) -> dict[str, Any]:
        """Totals of `calls`, for run metadata (the same fields as the OpenDART client's)."""
        return call_stats(self.calls)
