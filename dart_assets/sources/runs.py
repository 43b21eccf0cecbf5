"""How a DART-facing asset runs over the partitions of one Dagster run.

A backfill of a year is one run (single-run backfill policy) that walks its partitions in
units (a list.json window of days, one week of financials), each partition committed on its
own. What this module adds around that walk:
- the daily budget is checked before the first call, and a quota stop in the middle ends the
  run with a message naming the quota and the first partition not loaded, while the partitions
  already written stay written (and are reported to Dagster as materialized);
- a step retry (RetryPolicy) resumes where the failed attempt stopped: partitions that this
  run already committed are not fetched again;
- metadata per partition (rows fetched/inserted/updated/quarantined, API calls, retries,
  duration) and totals for the run.
"""

import math
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

import dagster as dg
import pandas as pd
import sqlalchemy as sa

from dart_assets.core.partitions import DART_API_POOL
from dart_assets.core.settings import get_settings
from dart_assets.sources.archive import archive_path, write_jsonl_gz
from dart_assets.sources.dart.errors import DailyBudgetExhaustedError, QuotaExceededError
from dart_assets.sources.dart.resource import DartResource
from dart_assets.sources.http.errors import QUOTA_ERRORS as MARKET_QUOTA_ERRORS
from dart_assets.sources.loaders import LoadResult, PartitionStats
from dart_assets.sources.policies import DART_RETRY_POLICY
from dart_assets.validation.quarantine import Quarantined
from dart_assets.warehouse.resource import WarehouseResource

QUOTA_ERRORS = (QuotaExceededError, DailyBudgetExhaustedError, *MARKET_QUOTA_ERRORS)


class MeteredClient(Protocol):
    """What the partition walk needs of a source client (OpenDART, KRX, ECOS)."""

    def remaining_budget(self) -> int: ...

    def stats(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class PartitionLoad:
    """One committed partition: what was loaded and what it cost."""

    partition_key: str
    result: LoadResult
    stats: PartitionStats

    def metadata(self) -> dict[str, dg.MetadataValue]:
        values: dict[str, dg.MetadataValue] = {
            "rows_fetched": dg.MetadataValue.int(self.result.fetched),
            "rows_inserted": dg.MetadataValue.int(self.result.inserted),
            "rows_updated": dg.MetadataValue.int(self.result.updated),
            "rows_unchanged": dg.MetadataValue.int(self.result.unchanged),
            "rows_quarantined": dg.MetadataValue.int(self.result.quarantined),
            "api_calls": dg.MetadataValue.int(self.stats.api_calls),
            "retries": dg.MetadataValue.int(self.stats.retries),
            "duration_s": dg.MetadataValue.float(round(self.stats.duration_s + self.result.load_s, 3)),
        }
        if self.stats.total_count is not None:
            values["dart_total_count"] = dg.MetadataValue.int(self.stats.total_count)
        return values


def split_total(total: float, weights: Sequence[int]) -> list[float]:
    """`total` shared in proportion to `weights` (evenly when all are 0).

    A window's API calls and fetch time are paid once for several day partitions; each day is
    charged its share so that per-partition figures add up to what the window cost.
    """
    if not weights:
        return []
    weight_sum = sum(weights)
    if weight_sum == 0:
        return [total / len(weights)] * len(weights)
    return [total * w / weight_sum for w in weights]


def split_count(total: int, weights: Sequence[int]) -> list[int]:
    """Integer shares of `total` that add up to it exactly (largest remainder)."""
    shares = split_total(total, weights)
    floors = [math.floor(s) for s in shares]
    order = sorted(range(len(shares)), key=lambda i: shares[i] - floors[i], reverse=True)
    for i in order[: total - sum(floors)]:
        floors[i] += 1
    return floors


def calls_since(client: MeteredClient, before: Mapping[str, Any]) -> tuple[int, int]:
    """(API calls, retries) the client made since `before` (an earlier `client.stats()`)."""
    after = client.stats()
    return after["api_calls"] - before["api_calls"], after["retries"] - before["retries"]


def commit_partition(
    load: Callable[..., LoadResult],
    engine: sa.Engine,
    *,
    asset_key: dg.AssetKey,
    partition_key: str,
    rows: Iterable[Mapping[str, Any]],
    valid: pd.DataFrame,
    quarantined: Sequence[Quarantined],
    stats: PartitionStats,
    started: float,
    run_id: str,
    archive_key: str | None = None,
) -> PartitionLoad:
    """Archive a partition's rows as DART sent them, then commit its valid rows and quarantine.

    The raw copy is written before the commit, so every committed partition has one to replay.
    The time since `started` (this partition's own work) is added to `stats.duration_s` (its
    share of the fetch). `archive_key` names the archive when it is not the partition key.
    """
    write_jsonl_gz(archive_path(get_settings().archive_dir, asset_key.path, archive_key or partition_key), rows)
    stats = replace(stats, duration_s=stats.duration_s + time.perf_counter() - started)
    result = load(
        engine,
        asset_key=asset_key.to_user_string(),
        partition_key=partition_key,
        frame=valid,
        quarantined=quarantined,
        stats=stats,
        run_id=run_id,
    )
    return PartitionLoad(partition_key, result, stats)


_LOADED_BY_RUN = sa.text(
    """
    SELECT partition_key, total_count, fetched, inserted, updated, quarantined, api_calls, retries, duration_s
      FROM dart_ops.partition_loads
     WHERE asset_key = :asset_key AND run_id = :run_id AND partition_key = ANY(:keys)
    """
)


def loaded_by_run(engine: sa.Engine, asset_key: str, run_id: str, keys: Sequence[str]) -> dict[str, PartitionLoad]:
    """Partitions this run already committed (by an earlier attempt of the same step)."""
    with engine.connect() as conn:
        rows = conn.execute(_LOADED_BY_RUN, {"asset_key": asset_key, "run_id": run_id, "keys": list(keys)}).all()
    return {
        r.partition_key: PartitionLoad(
            r.partition_key,
            LoadResult(
                r.fetched, r.inserted, r.updated, r.fetched - r.quarantined - r.inserted - r.updated, r.quarantined
            ),
            PartitionStats(r.total_count, r.api_calls, r.retries, r.duration_s or 0.0),
        )
        for r in rows
    }


def quota_stop(exc: Exception, first_missing: str, last_key: str, loaded: int, total: int) -> dg.Failure:
    """The failure that ends a run on the daily quota: what ran out, and where to resume."""
    resume = first_missing if first_missing == last_key else f"{first_missing}..{last_key}"
    return dg.Failure(
        description=(
            f"{'Market data' if isinstance(exc, MARKET_QUOTA_ERRORS) else 'OpenDART'} daily quota exhausted ({exc}). "
            f"Loaded {loaded} of {total} partitions; "
            f"first partition not loaded: {first_missing}. The partitions already loaded are kept. "
            f"Re-launch {resume} after the quota resets (next Asia/Seoul day)"
            f"{'' if isinstance(exc, MARKET_QUOTA_ERRORS) else ' or with more keys in DART_API_KEYS'}."
        ),
        metadata={
            "first_partition_not_loaded": first_missing,
            "partitions_loaded": loaded,
            "partitions_requested": total,
        },
        allow_retries=False,
    )


def _warn_if_budget_short(
    context: dg.AssetExecutionContext, engine: sa.Engine, asset_key: str, pending: int, remaining: int
) -> None:
    with engine.connect() as conn:
        per_partition = conn.execute(
            sa.text("SELECT avg(api_calls) FROM dart_ops.partition_loads WHERE asset_key = :k AND api_calls > 0"),
            {"k": asset_key},
        ).scalar()
    if per_partition and per_partition * pending > remaining:
        context.log.warning(
            f"{pending} partitions at about {float(per_partition):.1f} calls each need more than the "
            f"{remaining} calls left today; the run will stop cleanly when the quota runs out"
        )


def dart_asset(
    key: dg.AssetKey,
    *,
    description: str,
    units: Callable[[dg.AssetExecutionContext], Sequence[Sequence[str]]],
    load_unit: Callable[..., Iterable[PartitionLoad]],
    **asset_args: Any,
) -> dg.AssetsDefinition:
    """A DART-facing asset: the DART pool and retry policy, one client for the run, `units` of
    partition keys walked in order by `load_unit(client, engine, unit, run_id=...)`.

    `asset_args` are the asset's own (partitions_def, backfill_policy, deps); the op is named
    after the key, as `@dg.asset(key=...)` names it.
    """

    @dg.asset(
        key=key,
        pool=DART_API_POOL,
        retry_policy=DART_RETRY_POLICY,
        group_name="dart_raw",
        kinds={"python", "postgres"},
        description=description,
        **asset_args,
    )
    def _asset(
        context: dg.AssetExecutionContext, dart: DartResource, warehouse: WarehouseResource
    ) -> Iterator[dg.AssetMaterialization | dg.MaterializeResult]:
        engine = warehouse.engine()
        with dart.client(engine) as client:
            yield from walk_partitions(
                context,
                asset_key=key,
                units=units(context),
                load_unit=lambda unit: load_unit(client, engine, unit, run_id=context.run_id),
                client=client,
                engine=engine,
            )

    return _asset


def walk_partitions(
    context: dg.AssetExecutionContext,
    *,
    asset_key: dg.AssetKey,
    units: Sequence[Sequence[str]],
    load_unit: Callable[[Sequence[str]], Iterable[PartitionLoad]],
    client: MeteredClient,
    engine: sa.Engine,
) -> Iterator[dg.AssetMaterialization | dg.MaterializeResult]:
    """Load `units` of partition keys in order; see the module docstring for the guarantees.

    `load_unit` yields each partition as soon as it is committed. An unpartitioned asset passes
    one unit with one bookkeeping key (the key of its dart_ops rows).
    """
    key = asset_key.to_user_string()
    partitioned = context.has_partition_key_range
    all_keys = [k for unit in units for k in unit]
    done = loaded_by_run(engine, key, context.run_id, all_keys)
    if done:
        context.log.info(f"{len(done)} partitions already loaded by this run; resuming after them")
    pending = [[k for k in unit if k not in done] for unit in units]
    pending = [unit for unit in pending if unit]
    loads: dict[str, PartitionLoad] = dict(done)
    started = len(done)

    remaining = client.remaining_budget()
    if pending:
        if remaining <= 0:
            raise quota_stop(
                DailyBudgetExhaustedError("dart_api", "no calls left today before starting"),
                pending[0][0],
                all_keys[-1],
                len(done),
                len(all_keys),
            )
        _warn_if_budget_short(context, engine, key, sum(map(len, pending)), remaining)

    try:
        for unit in pending:
            for load in load_unit(unit):
                loads[load.partition_key] = load
                context.log.info(
                    f"{key} {load.partition_key}: {load.result.fetched} fetched, {load.result.inserted} inserted, "
                    f"{load.result.updated} updated, {load.result.quarantined} quarantined"
                )
    except Exception as exc:
        # Report what is committed before failing: those partitions need no second load.
        for pk in all_keys if partitioned else ():
            if pk in loads and pk not in done:
                yield dg.AssetMaterialization(asset_key=asset_key, partition=pk, metadata=loads[pk].metadata())
        first_missing = next((k for k in all_keys if k not in loads), None)
        if first_missing is None:  # everything committed; the failure came after the last write
            raise
        if isinstance(exc, QUOTA_ERRORS):
            raise quota_stop(exc, first_missing, all_keys[-1], len(loads), len(all_keys)) from exc
        context.log.error(f"{key}: stopped at partition {first_missing} after {len(loads) - started} new partitions")
        raise

    if partitioned:
        for pk in all_keys:
            context.add_asset_metadata(loads[pk].metadata(), partition_key=pk)
        own: dict[str, dg.MetadataValue] = {}
    else:
        own = loads[all_keys[0]].metadata()
    stats = client.stats()
    yield dg.MaterializeResult(
        metadata={
            **own,
            "run_partitions": dg.MetadataValue.int(len(all_keys)),
            "run_rows_fetched": dg.MetadataValue.int(sum(x.result.fetched for x in loads.values())),
            "run_rows_quarantined": dg.MetadataValue.int(sum(x.result.quarantined for x in loads.values())),
            "run_api_calls": dg.MetadataValue.int(stats["api_calls"]),
            "run_retries": dg.MetadataValue.int(stats["retries"]),
            "run_errors": dg.MetadataValue.int(stats["errors"]),
            "run_latency_ms_p50": dg.MetadataValue.float(stats["latency_ms_p50"]),
            "run_latency_ms_p95": dg.MetadataValue.float(stats["latency_ms_p95"]),
        }
    )
