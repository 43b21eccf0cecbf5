"""`market_raw/*`: the KRX Open API and ECOS data behind the index's market components.

One asset per source endpoint, partitioned by XKRX session. KRX answers one session a call,
so a run walks its sessions one by one, each validated and committed on its own (a backfill
since 2020 is one run of ~1,700 sessions x 5 endpoints, inside one key-day of KRX's ~10,000
calls). ECOS answers date ranges, so bond_yields asks each item once for the run's whole range
and commits each session; ECOS rows for weekdays the exchange was closed are archived but not
loaded (the index keeps XKRX sessions only).

An empty KRX answer for a session means "not published yet" until the next morning at 09:00
KST (the step retries later); after that it is an error naming the session.
"""

import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime, time as clock, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import dagster as dg
import sqlalchemy as sa

from dart_assets.core.partitions import ECOS_API_POOL, KRX_API_POOL, MARKET_PARTITIONS, SEOUL
from dart_assets.sources.ecos import client as ecos
from dart_assets.sources.ecos.client import EcosClient
from dart_assets.sources.ecos.resource import EcosResource
from dart_assets.sources.http.errors import QUOTA_ERRORS, MarketError, NotYetPublishedError, ServiceError
from dart_assets.sources.krx import client as krx
from dart_assets.sources.krx.client import KrxClient
from dart_assets.sources.krx.resource import KrxResource
from dart_assets.sources.loaders import PartitionStats, market_loader
from dart_assets.sources.market.schemas import key_fields, market_frame, market_schema
from dart_assets.sources.market.tables import (
    BOND_YIELDS,
    DERIVATIVE_INDICES,
    GOVERNMENT_BONDS,
    KOSPI_INDEX,
    OPTION_TRADES,
    STOCK_TRADES,
    RawTable,
)
from dart_assets.sources.runs import MeteredClient, PartitionLoad, calls_since, commit_partition, walk_partitions
from dart_assets.validation.quarantine import split_valid
from dart_assets.warehouse.resource import WarehouseResource

PUBLISHED_BY = clock(9, 0)  # KRX publishes a session after midnight, before 09:00 KST the next day

#: The step's second line of retries, for data published late or a service down for longer than
#: the client waits: 10, 20, 40 minutes (with jitter), then the run fails and is dead-lettered.
MARKET_RETRY_POLICY = dg.RetryPolicy(
    max_retries=3, delay=600, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)

KRX_TABLES: dict[str, RawTable] = {
    krx.KOSPI_INDEX: KOSPI_INDEX,
    krx.DERIVATIVE_INDICES: DERIVATIVE_INDICES,
    krx.STOCK_TRADES: STOCK_TRADES,
    krx.OPTION_TRADES: OPTION_TRADES,
    krx.GOVERNMENT_BONDS: GOVERNMENT_BONDS,
}
_DESCRIPTIONS = {
    KOSPI_INDEX: "KOSPI index series of the session (KRX idx/kospi_dd_trd); 코스피 feeds momentum and safe haven.",
    DERIVATIVE_INDICES: "Derivative indices (KRX idx/drvprod_dd_trd); 코스피 200 변동성지수 (VKOSPI) feeds volatility.",
    STOCK_TRADES: "Every KOSPI issue's day (KRX sto/stk_bydd_trd); feeds breadth and 52-week highs/lows.",
    OPTION_TRADES: "Every option series' day (KRX drv/opt_bydd_trd); 코스피200 옵션 put/call volume feeds put/call.",
    GOVERNMENT_BONDS: "Government bond market (KRX bon/kts_bydd_trd); the 10-year 지표 yield backs up ECOS.",
    BOND_YIELDS: "ECOS 817Y002 daily rates: KTB 3y/10y, corporate AA- and BBB- 3y; feed safe haven and junk bond.",
}


def market_key(table: RawTable) -> dg.AssetKey:
    return dg.AssetKey(["market_raw", table.name])


def publication_time(session: date) -> datetime:
    return datetime.combine(session + timedelta(days=1), PUBLISHED_BY, tzinfo=ZoneInfo(SEOUL))


def missing_session_error(source: str, endpoint: str, session: date, now: datetime | None = None) -> MarketError:
    """Why a session has no data: not published yet (retry later) or missing at the source."""
    now = now or datetime.now(ZoneInfo(SEOUL))
    if now < publication_time(session):
        return NotYetPublishedError(
            source, endpoint, f"session {session} (expected by {publication_time(session):%Y-%m-%d %H:%M} KST)"
        )
    return ServiceError(source, endpoint, f"no data for the XKRX session {session}, past its publication time")


def _commit(
    table: RawTable,
    engine: sa.Engine,
    session: str,
    rows: Sequence[dict[str, Any]],
    archived: Sequence[dict[str, Any]],
    stats: PartitionStats,
    run_id: str,
) -> PartitionLoad:
    started = time.perf_counter()
    frame = market_frame(table, rows)
    valid, quarantined = split_valid(frame, market_schema(table, [session]), rows, key_fields(table))
    return commit_partition(
        market_loader(table),
        engine,
        asset_key=market_key(table),
        partition_key=session,
        rows=archived,
        valid=valid,
        quarantined=quarantined,
        stats=stats,
        started=started,
        run_id=run_id,
    )


def load_krx_session(
    client: KrxClient, engine: sa.Engine, endpoint: str, session: str, *, run_id: str
) -> Iterator[PartitionLoad]:
    """One session of one KRX endpoint: fetched, validated, committed in one transaction."""
    before, started = client.stats(), time.perf_counter()
    rows = client.daily(endpoint, date.fromisoformat(session))
    if not rows:
        raise missing_session_error(krx.SOURCE, endpoint, date.fromisoformat(session))
    calls, retries = calls_since(client, before)
    stats = PartitionStats(len(rows), calls, retries, time.perf_counter() - started)
    yield _commit(KRX_TABLES[endpoint], engine, session, rows, rows, stats, run_id)


def load_bond_yields(
    client: EcosClient, engine: sa.Engine, sessions: Sequence[str], *, run_id: str
) -> Iterator[PartitionLoad]:
    """Every 817Y002 item for the range of `sessions`, then each session committed on its own."""
    first, last = date.fromisoformat(sessions[0]), date.fromisoformat(sessions[-1])
    before, started = client.stats(), time.perf_counter()
    rows = [row for item in ecos.ITEMS for row in client.daily_rates(item, first, last)]
    calls, retries = calls_since(client, before)
    fetch_s = time.perf_counter() - started

    by_session: dict[str, list[dict[str, Any]]] = defaultdict(list)
    archived: dict[str, list[dict[str, Any]]] = defaultdict(list)
    ordered = sorted(sessions)
    for row in rows:
        day = str(row.get("TIME", ""))
        iso = f"{day[:4]}-{day[4:6]}-{day[6:8]}"
        if iso in by_session or iso in ordered:
            by_session[iso].append(row)
            archived[iso].append(row)
        else:  # a weekday the exchange was closed (or a malformed TIME): kept in the archive
            owner = max((s for s in ordered if s <= iso), default=ordered[0])
            archived[owner].append(row)
    error: MarketError | None
    if not by_session.get(ordered[-1]):
        error = missing_session_error(ecos.SOURCE, f"StatisticSearch/{ecos.MARKET_RATES}", last)
        if isinstance(error, NotYetPublishedError):
            ordered = ordered[:-1]  # commit the earlier sessions, then retry for the last one
        else:
            error = None
    else:
        error = None
    share = 1 / max(1, len(sessions))
    for i, session in enumerate(ordered):
        stats = PartitionStats(
            len(by_session[session]), calls if i == 0 else 0, retries if i == 0 else 0, fetch_s * share
        )
        yield _commit(BOND_YIELDS, engine, session, by_session[session], archived[session], stats, run_id)
    if error is not None:
        raise error


def _as_failure(exc: MarketError) -> dg.Failure:
    """A configuration or source error no step retry can fix: fail at once, dead-letter the run."""
    return dg.Failure(description=str(exc), metadata={"error": type(exc).__name__}, allow_retries=False)


def _market_asset(
    table: RawTable,
    *,
    pool: str,
    resource: str,
    units: Callable[[Sequence[str]], Sequence[Sequence[str]]],
    load_unit: Callable[..., Iterator[PartitionLoad]],
) -> dg.AssetsDefinition:
    key = market_key(table)

    @dg.asset(
        key=key,
        partitions_def=MARKET_PARTITIONS,
        backfill_policy=dg.BackfillPolicy.single_run(),
        pool=pool,
        retry_policy=MARKET_RETRY_POLICY,
        group_name="market_raw",
        kinds={"python", "postgres"},
        description=_DESCRIPTIONS[table] + " Invalid rows go to dart_ops.quarantine with their reasons.",
        required_resource_keys={resource, "warehouse"},
    )
    def _asset(context: dg.AssetExecutionContext) -> Iterator[dg.AssetMaterialization | dg.MaterializeResult]:
        warehouse: WarehouseResource = context.resources.warehouse
        engine = warehouse.engine()
        with getattr(context.resources, resource).client(engine) as client:
            try:
                yield from walk_partitions(
                    context,
                    asset_key=key,
                    units=units(context.partition_keys),
                    load_unit=lambda unit: load_unit(client, engine, unit, run_id=context.run_id),
                    client=client,
                    engine=engine,
                )
            except MarketError as exc:
                if exc.retryable or isinstance(exc, QUOTA_ERRORS):
                    raise
                raise _as_failure(exc) from exc

    return _asset


def _krx_asset(endpoint: str) -> dg.AssetsDefinition:
    def load(client: MeteredClient, engine: sa.Engine, unit: Sequence[str], *, run_id: str) -> Iterator[PartitionLoad]:
        return load_krx_session(client, engine, endpoint, unit[0], run_id=run_id)  # type: ignore[arg-type]

    return _market_asset(
        KRX_TABLES[endpoint], pool=KRX_API_POOL, resource="krx", units=lambda keys: [[k] for k in keys], load_unit=load
    )


KRX_ASSETS = [_krx_asset(endpoint) for endpoint in krx.ENDPOINTS]
BOND_YIELDS_ASSET = _market_asset(
    BOND_YIELDS, pool=ECOS_API_POOL, resource="ecos", units=lambda keys: [list(keys)], load_unit=load_bond_yields
)
MARKET_ASSETS = [*KRX_ASSETS, BOND_YIELDS_ASSET]
MARKET_KEYS = [market_key(t) for t in (*KRX_TABLES.values(), BOND_YIELDS)]
RESOURCES: dict[str, Any] = {"krx": KrxResource(), "ecos": EcosResource()}
