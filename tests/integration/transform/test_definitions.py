"""The transform concern's Dagster definitions, loaded from the manifest `dbt parse` wrote."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from dart_assets.core.partitions import (
    CORP_CODES_KEY,
    DAILY_PARTITIONS,
    DISCLOSURES_KEY,
    FINANCIAL_ACCOUNTS_KEY,
    MAJOR_EVENTS_KEY,
    MARKET_PARTITIONS,
    WEEKLY_PARTITIONS,
)
from dart_assets.sources.market.assets import MARKET_KEYS

MARTS = [
    "disclosure_impact_scores",
    "daily_disclosure_sentiment",
    "market_moving_events",
    "index_weights",
    "dim_companies",
    "fear_greed_index",
]


@pytest.fixture(scope="module")
def loaded(dbt_manifest: Path) -> dg.Definitions:
    from dart_assets.transform.defs import defs

    @dg.asset(key=DISCLOSURES_KEY, partitions_def=DAILY_PARTITIONS)
    def disclosures() -> None: ...

    @dg.asset(key=CORP_CODES_KEY)
    def corp_codes() -> None: ...

    # like the real one: daily, and it reads the day's disclosures to find material events
    @dg.asset(key=MAJOR_EVENTS_KEY, partitions_def=DAILY_PARTITIONS, deps=[DISCLOSURES_KEY])
    def major_events() -> None: ...

    # like the real one: weekly, and it reads the disclosures to find periodic reports
    @dg.asset(key=FINANCIAL_ACCOUNTS_KEY, partitions_def=WEEKLY_PARTITIONS, deps=[DISCLOSURES_KEY])
    def financial_accounts() -> None: ...

    # the market_raw tables, one asset per source endpoint on XKRX sessions
    @dg.multi_asset(specs=[dg.AssetSpec(key) for key in MARKET_KEYS], partitions_def=MARKET_PARTITIONS)
    def market_raw(): ...  # no return annotation: a multi-asset reads it as its outputs

    merged = dg.Definitions.merge(
        defs, dg.Definitions(assets=[disclosures, major_events, corp_codes, financial_accounts, market_raw])
    )
    dg.Definitions.validate_loadable(merged)
    return merged


def test_dbt_assets_per_partitions_definition(loaded: dg.Definitions) -> None:
    from dart_assets.transform.defs import dbt_daily_models, dbt_models

    assert dbt_daily_models.partitions_def == DAILY_PARTITIONS and dbt_models.partitions_def is None
    for assets in (dbt_daily_models, dbt_models):
        assert assets.backfill_policy == dg.BackfillPolicy.single_run()
        assert assets.op.pool == "dbt"
    keys = {k.to_user_string() for k in dbt_daily_models.keys | dbt_models.keys}
    assert {f"dart_marts/{m}" for m in MARTS} <= keys
    assert "dart_marts/disclosure_impact_scores" in {k.to_user_string() for k in dbt_daily_models.keys}
    # sources are the ingestion assets, not copies of them
    assert DISCLOSURES_KEY in dbt_daily_models.asset_deps[dg.AssetKey(["dart_staging", "stg_dart__disclosures"])]
    # the market models read market_raw/<table> and are unpartitioned (every session counts)
    assert (
        dg.AssetKey(["market_raw", "stock_trades"])
        in dbt_models.asset_deps[dg.AssetKey(["dart_staging", "stg_market__stock_trades"])]
    )
    assert dg.AssetKey(["dart_intermediate", "int_market__strength"]) in dbt_models.keys


def test_dart_daily_runs_the_partition_and_everything_downstream(loaded: dg.Definitions) -> None:
    job = loaded.resolve_job_def("dart_daily")
    assert job.partitions_def == DAILY_PARTITIONS
    selected = {k.to_user_string() for k in job.asset_layer.selected_asset_keys}
    assert "dart_raw/disclosures" in selected
    assert "dart_raw/major_events" in selected  # the day's DS005 details, read from its disclosures
    assert {f"dart_marts/{m}" for m in MARTS} <= selected
    assert "dart_staging/stg_market__kospi" in selected  # the index's market inputs
    assert not any(k.startswith("market_raw/") for k in selected)  # market ingestion has its own job
    assert "dart_staging/kgf_index" not in selected  # a reference series no mart reads
    assert "dart_raw/financial_accounts" not in selected  # weekly ingestion has its own job
    checks = {key.name for key in job.asset_layer.asset_graph.asset_check_keys}
    assert "not_null_disclosure_impact_scores_rcept_no" in checks  # dbt tests ride along as checks
    assert "dbt_source_freshness" not in checks  # freshness has its own job
    freshness = loaded.resolve_job_def("dart_source_freshness")
    assert {key.name for key in freshness.asset_layer.asset_graph.asset_check_keys} == {"dbt_source_freshness"}
