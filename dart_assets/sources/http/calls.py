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
from typing import Any

import sqlalchemy as sa

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
