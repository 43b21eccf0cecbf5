"""Cumulative counts of the calls made to OpenDART, KRX and ECOS, in `dart_ops.upstream_calls`.

The clients keep each call's record in memory for run metadata; monitors need totals across
runs and processes, so every attempt also adds one to its (service, endpoint, status, error)
row. Label values are bounded: endpoints are the clients' own names, statuses three-digit codes
(DART's envelope status, else `http_<code>`, else `none` when no answer arrived), errors the
clients' exception class names. Counting never fails a call: a database error is logged once.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
import tenacity

logger = logging.getLogger(__name__)

_CODE = re.compile(r"^\d{3}$")
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")

_UPSERT = sa.text(
    """
    INSERT INTO dart_ops.upstream_calls AS c (service, endpoint, status, error, calls, latency_s)
    VALUES (:service, :endpoint, :status, :error, 1, :latency_s)
    ON CONFLICT (service, endpoint, status, error) DO UPDATE
        SET calls = c.calls + 1, latency_s = c.latency_s + excluded.latency_s, updated_at = now()
    """
)
_COUNTS = sa.text(
    "SELECT service, endpoint, status, error, calls, latency_s FROM dart_ops.upstream_calls "
    "ORDER BY service, endpoint, status, error"
)


def status_label(status: str | None, http_status: int | None) -> str:
    """DART's status when its envelope arrived ("000", "013", "020"...), else the HTTP status
    (`http_503`), else `none`; anything else a server might send is `other`."""
    if status is not None:
        return status if _CODE.match(str(status)) else "other"
    if http_status is not None:
        return f"http_{http_status}" if 100 <= http_status <= 599 else "other"
    return "none"


def error_label(error: str | None) -> str:
    return "" if not error else error if _NAME.match(error) else "other"


class CallCounter:
    """Adds each call of one service (`dart`, `krx`, `ecos`) to the shared counters."""

    def __init__(self, engine: sa.Engine, service: str) -> None:
        self.engine = engine
        self.service = service
        self._warned = False

    def record(self, endpoint: str, status: str, error: str | None, latency_ms: float) -> None:
        params = {
            "service": self.service,
            "endpoint": endpoint[:100],
            "status": status,
            "error": error_label(error),
            "latency_s": max(0.0, latency_ms) / 1000,
        }
        try:
            with self.engine.begin() as conn:
                conn.execute(_UPSERT, params)
        except sa.exc.SQLAlchemyError as exc:
            if not self._warned:
                self._warned = True
                logger.warning("call counters not recorded (%s); run `dart-fg db upgrade`", type(exc).__name__)


def call_counts(conn: sa.Connection) -> list[dict[str, Any]]:
    """Every counter row: service, endpoint, status, error, calls, latency_s."""
    return [dict(r) for r in conn.execute(_COUNTS).mappings()]


def call_stats(calls: Sequence[Any]) -> dict[str, Any]:
    """Totals of call records (anything with endpoint, attempt, error, latency_ms), for run
    metadata; the OpenDART client and the market clients report the same fields."""
    latencies = sorted(c.latency_ms for c in calls)

    def pct(q: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(q * len(latencies)))], 1) if latencies else 0.0

    return {
        "api_calls": len(calls),
        "retries": sum(1 for c in calls if c.attempt > 1),
        "errors": sum(1 for c in calls if c.error),
        "calls_by_endpoint": dict(Counter(c.endpoint for c in calls)),
        "latency_ms_total": round(sum(latencies), 1),
        "latency_ms_p50": pct(0.5),
        "latency_ms_p95": pct(0.95),
        "latency_ms_max": round(latencies[-1], 1) if latencies else 0.0,
    }


def retry_logger(log: logging.Logger) -> Callable[[tenacity.RetryCallState], None]:
    """tenacity's before_sleep for a client: what failed and when the next try comes, in the
    client's own log, so that an operator filters retries by the source that had them."""

    def before_sleep(state: tenacity.RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        log.warning("%s; retrying (attempt %d failed) in %.2f s", exc, state.attempt_number, wait)

    return before_sleep


def retry_policy(
    log: logging.Logger,
    error: type[Exception],
    *,
    max_attempts: int,
    backoff_base_s: float,
    backoff_max_s: float,
) -> tenacity.Retrying:
    """Exponential backoff with jitter for the client's own `error`s that say a later attempt may
    succeed (`retryable`); anything else, and the last failure, is raised as it came."""
    return tenacity.Retrying(
        stop=tenacity.stop_after_attempt(max_attempts),
        wait=tenacity.wait_exponential_jitter(initial=backoff_base_s, max=backoff_max_s, jitter=backoff_base_s),
        retry=tenacity.retry_if_exception(lambda exc: isinstance(exc, error) and getattr(exc, "retryable", False)),
        before_sleep=retry_logger(log),
        reraise=True,
    )
