"""FastAPI application for /api/dart/*.

Endpoints are plain `def` functions: FastAPI runs them in its thread pool, which suits the
synchronous, pooled SQLAlchemy engine the rest of the project uses. No `from __future__ import
annotations` here: FastAPI resolves the locally defined aliases at definition time.

Abuse resistance, in request order: a per-address limit on every request (middleware), then,
for keyed endpoints, a per-address budget of unknown keys checked before any lookup, a
read-only lookup behind bounded caches, and the per-key limit. Lists page by cursor over an
index; dates, offsets and limits are bounded; every error has one shape (errors.py).
"""

import inspect
from collections.abc import Callable
from datetime import UTC, date, datetime
from types import GenericAlias
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import Depends, FastAPI, Query, Request, Response
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, ConfigDict, Field, create_model

from dart_assets.api import dashboard, pagination, queries
from dart_assets.api.errors import ApiError, install_handlers, responses, strip_422
from dart_assets.api.keys import ApiPrincipal, KeyStore
from dart_assets.api.metrics import install_metrics
from dart_assets.api.middleware import GuardMiddleware
from dart_assets.api.pagination import MAX_DATE, MAX_OFFSET, MAX_RANGE_DAYS, MIN_DATE
from dart_assets.api.ratelimit import Limit, client_bucket, scaled

PREFIX = "/api/dart"
DEFAULT_RATE_LIMIT = "600/minute"
DEFAULT_AUTH_FAILURE_LIMIT = "20/minute"
# Unless told otherwise, one client address may spend the budget of this many keys.
ADDRESS_KEYS = 4
# Waits and budgets of the API's database work: a request never queues long for a connection
# nor holds one long, so a burst degrades to quick 503s instead of piling up.
POOL_TIMEOUT_S = 5.0
STATEMENT_TIMEOUT_MS = 5_000
# Printable text without control characters (NUL cannot reach PostgreSQL text at all).
TEXT = r"^[^\x00-\x1f\x7f]+$"

api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="dart-fg API key")


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _row(name: str, doc: str, fields: dict[str, Any], *, exact: bool = False) -> type[BaseModel]:
    """An OpenAPI row schema: these fields always; marts may add columns (`exact` forbids that)."""
    definitions: dict[str, Any] = {k: (t, ...) for k, t in fields.items()}
    model = create_model(
        name,
        __config__=ConfigDict(extra="forbid" if exact else "allow"),
        __doc__=doc,
        **definitions,
    )
    return model


Disclosure = _row(
    "Disclosure",
    "A filing with its event type and impact score (null until scored).",
    {
        "rcept_no": str,
        "rcept_dt": date,
        "corp_code": str,
        "corp_name": str,
        "stock_code": str | None,
        "corp_cls": str,
        "report_nm": str,
        "flr_nm": str,
        "rm": str,
        "event_type": str | None,
        "impact_score": float | None,
    },
    exact=True,
)
ImpactScore = _row(
    "ImpactScore",
    "A row of dart_marts.disclosure_impact_scores (every column of the mart).",
    {"rcept_no": str, "rcept_dt": date, "event_type": str, "impact_score": float},
)
Sentiment = _row("Sentiment", "A row of dart_marts.daily_disclosure_sentiment (every column).", {"date": date})
Event = _row(
    "MarketMovingEvent",
    "A row of dart_marts.market_moving_events (every column).",
    {"event_id": str, "date": date, "kind": str},
)
FearGreed = _row(
    "FearGreed",
    "A row of dart_marts.fear_greed_index (every column).",
    {"date": date, "value": float, "label": str},
)
IndexWeight = _row(
    "IndexWeight",
    "A row of dart_marts.index_weights (every column).",
    {"date": date, "component": str, "weight": float},
)
OPS_ROWS = {
    "quarantine": _row(
        "QuarantineRow",
        "A row of dart_ops.quarantine.",
        {"id": int, "asset_key": str, "partition_key": str, "reason": str, "quarantined_at": datetime},
    ),
    "dead-letters": _row(
        "DeadLetterRow",
        "A row of dart_ops.dead_letters.",
        {"id": int, "job_name": str, "status": str, "failed_at": datetime},
    ),
    "partition-loads": _row(
        "PartitionLoadRow",
        "A row of dart_ops.partition_loads.",
        {"asset_key": str, "partition_key": str, "loaded_at": datetime},
    ),
    "audit": _row("AuditRow", "A row of dart_ops.audit_log.", {"id": int, "at": datetime, "actor": str, "action": str}),
}


class Health(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: str = Field(description="'ok' when the database answers")


_PAGE_HEADERS = {
    "Link": {"description": 'the next page, RFC 8288: `<...&cursor=...>; rel="next"`', "schema": {"type": "string"}},
    "X-Next-Cursor": {
        "description": "the cursor of the next page; absent on the last page",
        "schema": {"type": "string"},
    },
}


def _list_ok(model: type[BaseModel], description: str) -> dict[int | str, dict[str, Any]]:
    # list[model] at runtime: mypy cannot take a model built at runtime as a type argument
    return {200: {"model": GenericAlias(list, model), "description": description, "headers": _PAGE_HEADERS}}


Cursor = Annotated[
    str | None,
    Query(
        max_length=pagination.MAX_CURSOR_LENGTH,
        pattern=r"^[A-Za-z0-9_-]+$",
        description="resume after the previous page: the X-Next-Cursor (or Link) of its answer",
    ),
]


def create_app(
    engine: sa.Engine | None = None,
    rate_limit: str = DEFAULT_RATE_LIMIT,
    *,
    address_limit: str | None = None,
    auth_failure_limit: str = DEFAULT_AUTH_FAILURE_LIMIT,
    clock: Callable[[], datetime] = _utc_now,
    statement_timeout_ms: int = STATEMENT_TIMEOUT_MS,
) -> FastAPI:
    """Build the app.

    `engine` defaults to the warehouse (an engine of the API's own with short pool waits);
    `rate_limit` applies per API key, `address_limit` (default: four keys' worth) per client
    address to every request, `auth_failure_limit` to the unknown keys an address may present; `clock`
    gives the current instant (dates default to its Asia/Seoul day).
    """
    app = FastAPI(
        title="dart-fg read API",
        version="1.1",
        description=(
            "DART disclosures, impact scores, sentiment and the KOSPI Fear & Greed index.\n\n"
            "Send the key in `X-API-Key`. Lists answer a page and, when more rows follow, a "
            '`Link: <...>; rel="next"` and an `X-Next-Cursor` header: pass that cursor back as '
            f"`cursor`. Dates run from {MIN_DATE} to {MAX_DATE}, at most {MAX_RANGE_DAYS} days per "
            "request, `to` defaulting to today in Asia/Seoul. Every error answers "
            '`{"error": "...", "status": N}`.'
        ),
        openapi_url=f"{PREFIX}/openapi.json",
        docs_url=f"{PREFIX}/docs",
        redoc_url=None,
    )
    per_key = Limit(rate_limit, exact=True)
    per_address = Limit(address_limit or scaled(rate_limit, ADDRESS_KEYS))
    failures = Limit(auth_failure_limit, exact=True)  # small amounts: exact is cheap
    state: dict[str, Any] = {}

    def trusted_key(key: str) -> bool:
        return "keys" in state and state["keys"].recently_valid(key)

    app.add_middleware(
        GuardMiddleware,
        address_limit=per_address,
        docs_path=f"{PREFIX}/docs",
        admin_prefix=f"{PREFIX}/admin",
        trusted_key=trusted_key,
    )
    install_handlers(app)

    def get_engine() -> sa.Engine:
        if "engine" not in state:
            if engine is None:
                from dart_assets.warehouse.db import resolve_database_url

                state["engine"] = sa.create_engine(
                    resolve_database_url(), pool_pre_ping=True, pool_size=5, max_overflow=5, pool_timeout=POOL_TIMEOUT_S
                )
            else:
                state["engine"] = engine
            state["keys"] = KeyStore(state["engine"])
        return state["engine"]

    def database(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run `fn` with the database; its unavailability is a 503, never a 500."""
        try:
            return fn(*args, **kwargs)
        except sa.exc.TimeoutError:
            raise ApiError(503, "database busy: no connection free, retry shortly", {"Retry-After": "1"}) from None
        except sa.exc.ProgrammingError as exc:
            if "does not exist" in str(exc.orig):
                raise ApiError(503, "the table behind this endpoint is not built yet (run dart_daily)") from None
            raise
        except (sa.exc.OperationalError, sa.exc.InterfaceError):
            # unreachable, or the query ran past the statement timeout
            raise ApiError(503, "database unavailable or too slow, retry shortly", {"Retry-After": "5"}) from None

    def principal(scope: str):
        def dependency(request: Request, key: Annotated[str | None, Depends(api_key_header)]) -> ApiPrincipal:
            if not key:
                raise ApiError(401, "missing API key: send it in the X-API-Key header")
            get_engine()
            store: KeyStore = state["keys"]
            bucket = client_bucket(request.client.host if request.client else None)
            cached, found = store.cached(key)
            if not (cached and found is not None):
                # Not a key known to this process: it costs a lookup, which an address may only
                # spend on so many keys that turn out unknown (a key that resolved within the
                # hour is looked up again whatever its address has been presenting).
                if not store.recently_valid(key) and not failures.allowed(bucket):
                    raise ApiError(
                        429,
                        f"too many unknown API keys from this address (limit {failures.spec})",
                        {"Retry-After": failures.retry_after(bucket)},
                    )
                found = database(store.lookup, key)
                if found is None:
                    failures.hit(bucket)
                    raise ApiError(401, "unknown or revoked API key")
            if scope not in found.scopes:
                raise ApiError(403, f"this API key lacks the '{scope}' scope")
            if not per_key.hit(str(found.key_id)):
                raise ApiError(
                    429,
                    f"rate limit of {rate_limit} per key exceeded",
                    {"Retry-After": per_key.retry_after(str(found.key_id))},
                )
            return found

        return dependency

    reader = Depends(principal("read"))
    admin = Depends(principal("admin"))
    keyed_errors = (400, 401, 403, 429, 503)

    def read(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        def run() -> Any:
            with get_engine().connect() as conn:
                if statement_timeout_ms:
                    conn.exec_driver_sql(f"set local statement_timeout = {int(statement_timeout_ms)}")
                return fn(conn, *args, **kwargs)

        return database(run)

    def today() -> date:
        return pagination.seoul_day(clock())

    def date_range(
        start: Annotated[
            date | None, Query(alias="from", description=f"first date (YYYY-MM-DD, {MIN_DATE}..{MAX_DATE})")
        ] = None,
        end: Annotated[
            date | None,
            Query(alias="to", description="last date (YYYY-MM-DD); default: today in Asia/Seoul"),
        ] = None,
    ) -> tuple[date, date]:
        return pagination.resolve_range(start, end, today())

    Range = Annotated[tuple[date, date], Depends(date_range)]

    def paged(
        request: Request, response: Response, listing: queries.Listing, limit: int, cursor: str | None, **kwargs: Any
    ) -> list[dict[str, Any]]:
        """One page of a listing, fetching one row more to know whether another page follows."""
        after = pagination.decode(listing, cursor) if cursor else None
        if after is not None and kwargs.get("offset"):
            raise ApiError(400, "invalid parameters: use either 'cursor' or 'offset', not both")
        rows = read(queries.page, listing, after=after, limit=limit + 1, **kwargs)
        if len(rows) > limit:
            rows = rows[:limit]
            token = pagination.encode(listing, rows[-1])
            response.headers["X-Next-Cursor"] = token
            response.headers["Link"] = pagination.next_link(request.url.path, request.query_params.multi_items(), token)
        return rows

    Offset = Annotated[
        int,
        Query(ge=0, le=MAX_OFFSET, description=f"rows to skip, at most {MAX_OFFSET}: page further with `cursor`"),
    ]

    @app.get(
        f"{PREFIX}/health",
        tags=["health"],
        response_model=Health,
        responses=responses(429, 503),
    )
    def health() -> dict[str, Any]:
        """Liveness and database reachability; no key needed (rate-limited per address)."""

        def ping() -> None:
            with get_engine().connect() as conn:
                conn.execute(sa.text("select 1"))

        try:
            ping()
        except sa.exc.SQLAlchemyError:
            raise ApiError(503, "database unreachable", {"Retry-After": "5"}) from None
        return {"status": "ok"}

    @app.get(
        f"{PREFIX}/disclosures",
        tags=["disclosures"],
        dependencies=[reader],
        response_model=None,
        responses={**_list_ok(Disclosure, "Filings, newest first"), **responses(*keyed_errors)},
    )
    def disclosures(
        request: Request,
        response: Response,
        span: Range,
        corp_code: Annotated[str | None, Query(pattern=r"^\d{8}$", description="8-digit DART company code")] = None,
        event_type: Annotated[
            str | None, Query(max_length=64, pattern=TEXT, description="event type of the taxonomy")
        ] = None,
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Offset = 0,
        cursor: Cursor = None,
    ) -> Any:
        """Filings with their event type and impact score (0-100, 50 = neutral), newest first."""
        return paged(
            request,
            response,
            queries.DISCLOSURES,
            limit,
            cursor,
            start=span[0],
            end=span[1],
            filters={"corp_code": corp_code, "event_type": event_type},
            offset=offset,
        )

    def mart(path: str, model: type[BaseModel], summary: str) -> None:
        listing = queries.MARTS[path]

        def endpoint(
            request: Request,
            response: Response,
            span: Range,
            limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
            offset: Offset = 0,
            cursor: Cursor = None,
        ) -> Any:
            return paged(request, response, listing, limit, cursor, start=span[0], end=span[1], offset=offset)

        endpoint.__doc__ = f"{summary}, by date then key ({listing.source})."
        app.get(
            f"{PREFIX}/{path}",
            tags=["marts"],
            dependencies=[reader],
            summary=summary,
            name=listing.source.split(".")[1],
            response_model=None,
            responses={**_list_ok(model, summary), **responses(*keyed_errors)},
        )(endpoint)

    mart("impact-scores", ImpactScore, "Impact score per filing")
    mart("sentiment", Sentiment, "Market-level disclosure sentiment per date")
    mart("events", Event, "Market-moving events detected per date")
    mart("fear-greed", FearGreed, "Fear & Greed index per trading date")

    @app.get(
        f"{PREFIX}/fear-greed/latest",
        tags=["marts"],
        dependencies=[reader],
        response_model=None,
        responses={
            200: {"model": FearGreed, "description": "The newest index row"},
            **responses(401, 403, 404, 429, 503),
        },
    )
    def fear_greed_latest() -> Any:
        """The newest index value and its label."""
        row = read(queries.latest_fear_greed)
        if row is None:
            raise ApiError(404, "no index value yet")
        return row

    @app.get(
        f"{PREFIX}/index-weights",
        tags=["marts"],
        dependencies=[reader],
        response_model=None,
        responses={
            200: {"model": GenericAlias(list, IndexWeight), "description": "Weights of the components, by component"},
            **responses(*keyed_errors),
        },
    )
    def index_weights(
        on: Annotated[date | None, Query(alias="date", description="default: today in Asia/Seoul")] = None,
    ) -> Any:
        """Component weights in force on a date (the latest on or before it)."""
        return read(queries.index_weights, pagination.check_date("date", on) if on else today())

    dashboard.install(app, read, today)  # / and /dashboard: HTML, no key

    def ops(path: str) -> None:
        listing = queries.OPS[path]
        filters = [p for p, _ in listing.filters]

        def endpoint(request: Request, response: Response, limit: int, cursor: str | None, **values: str | None) -> Any:
            return paged(request, response, listing, limit, cursor, filters=values)

        parameters = [
            inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request),
            inspect.Parameter("response", inspect.Parameter.KEYWORD_ONLY, annotation=Response),
            inspect.Parameter(
                "limit", inspect.Parameter.KEYWORD_ONLY, default=100, annotation=Annotated[int, Query(ge=1, le=1000)]
            ),
            inspect.Parameter("cursor", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=Cursor),
            *(
                inspect.Parameter(
                    name,
                    inspect.Parameter.KEYWORD_ONLY,
                    default=None,
                    annotation=Annotated[
                        str | None, Query(max_length=200, pattern=TEXT, description=f"only rows with this {name}")
                    ],
                )
                for name in filters
            ),
        ]
        endpoint.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
        endpoint.__doc__ = f"Newest rows of {listing.source} first; filters: {', '.join(filters)}."
        app.get(
            f"{PREFIX}/admin/{path}",
            tags=["admin"],
            dependencies=[admin],
            name=listing.source.split(".")[1],
            response_model=None,
            responses={**_list_ok(OPS_ROWS[path], f"Rows of {listing.source}"), **responses(*keyed_errors)},
        )(endpoint)

    for path in queries.OPS:
        ops(path)

    install_metrics(app, get_engine)  # /metrics; its middleware wraps the guard (429s counted)

    default_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = strip_422(default_openapi())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
