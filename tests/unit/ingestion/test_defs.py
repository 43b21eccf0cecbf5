"""The ingestion definitions load (as `dagster definitions validate` would) and are wired as promised."""

import dagster as dg

from dart_assets.core.partitions import (
    CORP_CODES_KEY,
    DAILY_PARTITIONS,
    DART_API_POOL,
    DISCLOSURES_KEY,
    FINANCIAL_ACCOUNTS_KEY,
    MAJOR_EVENTS_KEY,
    WEEKLY_PARTITIONS,
)
from dart_assets.sources.defs import defs
from dart_assets.sources.policies import DART_RETRY_POLICY


def test_definitions_are_loadable() -> None:
    dg.Definitions.validate_loadable(defs)


def test_dart_facing_assets_share_the_pool_and_the_retry_policy() -> None:
    graph = defs.resolve_asset_graph()
    for key in (CORP_CODES_KEY, DISCLOSURES_KEY, FINANCIAL_ACCOUNTS_KEY):
        assets_def = graph.assets_def_for_key(key)
        assert assets_def.node_def.pool == DART_API_POOL
        assert assets_def.node_def.retry_policy == DART_RETRY_POLICY


def test_partitions_backfill_policy_and_lineage() -> None:
    graph = defs.resolve_asset_graph()
    disclosures = graph.assets_def_for_key(DISCLOSURES_KEY)
    financials = graph.assets_def_for_key(FINANCIAL_ACCOUNTS_KEY)
    assert disclosures.partitions_def == DAILY_PARTITIONS
    assert financials.partitions_def == WEEKLY_PARTITIONS
    assert graph.assets_def_for_key(CORP_CODES_KEY).partitions_def is None
    # A backfill of any range is one run per asset.
    assert disclosures.backfill_policy == dg.BackfillPolicy.single_run()
    assert financials.backfill_policy == dg.BackfillPolicy.single_run()
    assert DISCLOSURES_KEY in graph.get(FINANCIAL_ACCOUNTS_KEY).parent_keys


def test_blocking_checks_and_jobs() -> None:
    graph = defs.resolve_asset_graph()
    blocking = {(k.asset_key, k.name) for k in graph.asset_check_keys if graph.get_check_spec(k).blocking}
    assert {
        (DISCLOSURES_KEY, "no_duplicate_keys"),
        (DISCLOSURES_KEY, "complete_against_dart_total"),
        (DISCLOSURES_KEY, "quarantine_rate_below_threshold"),
        (FINANCIAL_ACCOUNTS_KEY, "no_duplicate_keys"),
        (MAJOR_EVENTS_KEY, "no_duplicate_keys"),
    } <= blocking
    # a few bad DS005 items must not stop the day's scores: they only refine them
    assert (MAJOR_EVENTS_KEY, "quarantine_rate_below_threshold") not in blocking
    assert dg.AssetCheckKey(MAJOR_EVENTS_KEY, "quarantine_rate_below_threshold") in graph.asset_check_keys
    weekly = defs.resolve_job_def("dart_weekly")
    assert weekly.asset_layer.executable_asset_keys == {FINANCIAL_ACCOUNTS_KEY}
    assert weekly.partitions_def == WEEKLY_PARTITIONS
    assert defs.resolve_job_def("dart_corp_codes").asset_layer.executable_asset_keys == {CORP_CODES_KEY}
