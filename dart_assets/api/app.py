"""FastAPI application for /api/dart/*.

Endpoints are plain `def` functions: FastAPI runs them in its thread pool, which suits the
synchronous, pooled SQLAlchemy engine the rest of the project uses. No `from __future__ import
annotations` here: FastAPI resolves the locally defined `Range` alias at definition time.
"""


import math
import time
from datetime import date, timedelta
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from dart_assets.api import queries
from dart_assets.api.keys import ApiPrincipal, KeyStore

PREFIX = "/api/dart"
MAX_RANGE_DAYS = 366
api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="dart-fg API key")


class ApiError(Exception):
    """An error answered as JSON with a clear message; extra headers such as Retry-After."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message, "status": status}, status_code=status, headers=headers)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        where = ".".join(str(p) for p in err.get("loc", ())[1:]) or "request"
        parts.append(f"invalid parameter '{where}': {err.get('msg')}")
    return "; ".join(parts)


def create_app(engine: sa.Engine | None = None, rate_limit: str = "600/minute") -> FastAPI:
    """Build the app; `engine` defaults to the warehouse, `rate_limit` applies per API key."""
    app = FastAPI(
        title="dart-fg read API",
        version="1.0",
        description="DART disclosures, impact scores, sentiment and the KOSPI Fear & Greed index.",
        openapi_url=f"{PREFIX}/openapi.json",
        docs_url=f"{PREFIX}/docs",
        redoc_url=None,
    )
    limiter = MovingWindowRateLimiter(MemoryStorage())
    limit_item = parse(rate_limit)
    state: dict[str, Any] = {}

    def get_engine() -> sa.Engine:
        if "engine" not in state:
            from dart_assets.warehouse.db import get_engine as warehouse_engine

            state["engine"] = engine or warehouse_engine()
            state["keys"] = KeyStore(state["engine"])
        return state["engine"]

    def principal(scope: str):
        def dependency(key: Annotated[str | None, Depends(api_key_header)]) -> ApiPrincipal:
            if not key:
                raise ApiError(401, "missing API key: send it in the X-API-Key header")
            get_engine()
            found = state["keys"].lookup(key)
            if found is None:
                raise ApiError(401, "unknown or revoked API key")
            if scope not in found.scopes:
                raise ApiError(403, f"this API key lacks the '{scope}' scope")
            if not limiter.hit(limit_item, str(found.key_id)):
                reset_at = limiter.get_window_stats(limit_item, str(found.key_id)).reset_time
                retry = max(1, math.ceil(reset_at - time.time()))
                raise ApiError(429, f"rate limit of {rate_limit} per key exceeded", {"Retry-After": str(retry)})
            return found

        return dependency

    reader = Depends(principal("read"))
    admin = Depends(principal("admin"))

    @app.exception_handler(ApiError)
    def _api_error(_: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.message, exc.headers)

    @app.exception_handler(HTTPException)
    def _http_error(_: Request, exc: HTTPException) -> JSONResponse:
        return _error(exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return _error(400, _validation_message(exc))

    def date_range(
        start: Annotated[date | None, Query(alias="from", description="first date (YYYY-MM-DD)")] = None,
        end: Annotated[date | None, Query(alias="to", description="last date (YYYY-MM-DD)")] = None,
    ) -> tuple[date, date]:
        end = end or date.today()
        start = start or end - timedelta(days=30)
        if start > end:
            raise ApiError(400, f"invalid range: 'from' ({start}) is after 'to' ({end})")
        if (end - start).days > MAX_RANGE_DAYS:
            raise ApiError(400, f"invalid range: at most {MAX_RANGE_DAYS} days per request")
        return start, end

    Range = Annotated[tuple[date, date], Depends(date_range)]

    def read(fn, *args: Any, **kwargs: Any) -> Any:
        try:
            with get_engine().connect() as conn:
                return fn(conn, *args, **kwargs)
        except sa.exc.ProgrammingError as exc:
            if "does not exist" in str(exc.orig):
                raise ApiError(503, "the table behind this endpoint is not built yet (run dart_daily)") from None
            raise

    @app.get(f"{PREFIX}/health", tags=["health"])
    def health() -> dict[str, Any]:
        """Liveness and database reachability; no key needed."""
        try:
            with get_engine().connect() as conn:
                conn.execute(sa.text("select 1"))
        except sa.exc.SQLAlchemyError:
            raise ApiError(503, "database unreachable") from None
        return {"status": "ok"}

    @app.get(f"{PREFIX}/disclosures", tags=["disclosures"], dependencies=[reader])
    def disclosures(
        span: Range,
        corp_code: Annotated[str | None, Query(pattern=r"^\d{8}$")] = None,
        event_type: Annotated[str | None, Query(max_length=64)] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> list[dict[str, Any]]:
        """Filings with their event type and impact score (0-100, 50 = neutral), newest first."""
        return read(queries.disclosures, span[0], span[1], corp_code, event_type, limit, offset)

    def mart(path: str, table: str, date_column: str, key_column: str, summary: str) -> None:
        def endpoint(
            span: Range,
            limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
            offset: Annotated[int, Query(ge=0)] = 0,
        ) -> list[dict[str, Any]]:
            return read(
                queries.by_date_range, f"dart_marts.{table}", date_column, key_column, span[0], span[1], limit, offset
            )

        app.get(f"{PREFIX}/{path}", tags=["marts"], dependencies=[reader], summary=summary, name=table)(endpoint)

    mart("impact-scores", "disclosure_impact_scores", "rcept_dt", "rcept_no", "Impact score per filing")
    mart("sentiment", "daily_disclosure_sentiment", "date", "date", "Market-level disclosure sentiment per date")
    mart("events", "market_moving_events", "date", "event_id", "Market-moving events detected per date")
    mart("fear-greed", "fear_greed_index", "date", "date", "Fear & Greed index per trading date")

    @app.get(f"{PREFIX}/fear-greed/latest", tags=["marts"], dependencies=[reader])
    def fear_greed_latest() -> dict[str, Any]:
        """The newest index value and its label."""
        row = read(queries.latest_fear_greed)
        if row is None:
            raise ApiError(404, "no index value yet")
        return row

    @app.get(f"{PREFIX}/index-weights", tags=["marts"], dependencies=[reader])
    def index_weights(on: Annotated[date | None, Query(alias="date")] = None) -> list[dict[str, Any]]:
        """Component weights in force on a date (the latest on or before it)."""
        return read(queries.index_weights, on or date.today())

    def ops(path: str, table: str, order_by: str, *filters: str) -> None:
        def endpoint(request: Request, limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[dict[str, Any]]:
            values = {f: request.query_params.get(f) for f in filters}
            return read(queries.ops_table, table, order_by, limit, **values)

        endpoint.__doc__ = f"Newest rows of dart_ops.{table}; filters: {', '.join(filters) or 'none'}."
        app.get(f"{PREFIX}/admin/{path}", tags=["admin"], dependencies=[admin], name=table)(endpoint)

    ops("quarantine", "quarantine", "quarantined_at", "asset_key", "partition_key")
    ops("dead-letters", "dead_letters", "failed_at", "status", "job_name")
    ops("partition-loads", "partition_loads", "loaded_at", "asset_key", "partition_key")
    ops("audit", "audit_log", "at", "action", "actor")
    return app
