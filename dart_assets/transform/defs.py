"""Dagster definitions of the transform concern (merged in dart_assets/definitions.py).

Two @dbt_assets, one per partitions definition: the models tagged `daily` (incremental marts
and the views they read) on the daily partitions, the rest unpartitioned. Both take single-run
backfills and share the `dbt` pool, so dbt runs never overlap. The dbt manifest must exist
(`make prepare`); it is never parsed at import.
"""

from collections.abc import Iterator

import dagster as dg
from dagster_dbt import DbtCliResource, dbt_assets

from dart_assets.core.partitions import DAILY_PARTITIONS, DISCLOSURES_KEY, MAJOR_EVENTS_KEY, MARKET_PARTITIONS
from dart_assets.sources.market.assets import MARKET_KEYS
from dart_assets.transform.freshness import dbt_source_freshness
from dart_assets.transform.profile import apply_dbt_env
from dart_assets.transform.project import (
    DAILY_SELECT,
    DBT_POOL,
    DBT_PROJECT,
    build_args,
    dbt_resource,
    window_vars,
)
from dart_assets.transform.translator import TRANSLATOR

if not DBT_PROJECT.manifest_path.exists():
    raise FileNotFoundError(
        f"{DBT_PROJECT.manifest_path} is missing: run `make prepare` "
        "(python -m dart_assets.transform.prepare) before loading the definitions"
    )


class DbtBuildConfig(dg.Config):
    """Run config of the dbt assets."""

    full_refresh: bool = False


@dbt_assets(
    manifest=DBT_PROJECT.manifest_path,
    project=DBT_PROJECT,
    select=DAILY_SELECT,
    name="dbt_daily_models",
    partitions_def=DAILY_PARTITIONS,
    backfill_policy=dg.BackfillPolicy.single_run(),
    dagster_dbt_translator=TRANSLATOR,
    pool=DBT_POOL,
)
def dbt_daily_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, config: DbtBuildConfig) -> Iterator:
    """The partition window (a whole backfill range in one run) becomes min_date/max_date."""
    apply_dbt_env()
    window = context.partition_time_window
    args = build_args(window_vars(window.start, window.end), full_refresh=config.full_refresh)
    yield from dbt.cli(args, context=context).stream()


@dbt_assets(
    manifest=DBT_PROJECT.manifest_path,
    project=DBT_PROJECT,
    exclude=DAILY_SELECT,
    name="dbt_models",
    backfill_policy=dg.BackfillPolicy.single_run(),
    dagster_dbt_translator=TRANSLATOR,
    pool=DBT_POOL,
)
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource, config: DbtBuildConfig) -> Iterator:
    apply_dbt_env()
    yield from dbt.cli(build_args(full_refresh=config.full_refresh), context=context).stream()


# CONTRACTS.md: the disclosures partition ingested, then its material-event details (DS005,
# read from those disclosures), then every dbt model downstream of either, with the dbt seeds
# and models those depend on (the market series behind fear_greed_index), so that a day runs
# end to end on a fresh warehouse too. No other ingestion asset follows: the weekly financials
# read disclosures too, and one job holds one partitions definition.
# Source freshness is a statement about the schedule, not about one partition: it has its own
# job (dart_source_freshness) instead of costing every daily run a dbt invocation.
_DISCLOSURES = dg.AssetSelection.assets(DISCLOSURES_KEY, MAJOR_EVENTS_KEY)
_DBT = dg.AssetSelection.assets(dbt_daily_models, dbt_models)
dart_daily = dg.define_asset_job(
    "dart_daily",
    selection=(_DISCLOSURES | ((_DISCLOSURES.downstream() & _DBT).upstream() & _DBT))
    - dg.AssetSelection.checks(dbt_source_freshness),
    partitions_def=DAILY_PARTITIONS,
    description="One day's disclosures and their DS005 details ingested and validated, "
    "then every dbt model downstream through dart_marts.",
)

# The morning after a session: its market data from KRX and ECOS, then the unpartitioned dbt
# models downstream (market components through fear_greed_index). The daily-partitioned models
# (disclosure sentiment) follow the evening dart_daily run, and one job holds one partitions
# definition.
_MARKET = dg.AssetSelection.assets(*MARKET_KEYS)
market_daily = dg.define_asset_job(
    "market_daily",
    selection=_MARKET | (_MARKET.downstream() & dg.AssetSelection.assets(dbt_models)),
    partitions_def=MARKET_PARTITIONS,
    description="One XKRX session's market data (KRX, ECOS) ingested and validated, then the index models downstream.",
)

dart_source_freshness = dg.define_asset_job(
    "dart_source_freshness",
    selection=dg.AssetSelection.checks(dbt_source_freshness),
    description="dbt source freshness of dart_raw, reported as asset checks on the ingestion assets.",
)

defs = dg.Definitions(
    assets=[dbt_daily_models, dbt_models],
    asset_checks=[dbt_source_freshness],
    jobs=[dart_daily, market_daily, dart_source_freshness],
    resources={"dbt": dbt_resource()},
)
