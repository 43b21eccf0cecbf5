"""Materializing a daily disclosures partition (from the UI, say) makes every dbt model
downstream follow it, through the assets' eager automation conditions, and calls DART for
nothing else."""

from __future__ import annotations

import datetime as dt

import dagster as dg

from dart_assets.core.partitions import CORP_CODES_KEY, DISCLOSURES_KEY, FINANCIAL_ACCOUNTS_KEY
from dart_assets.definitions import defs

DAY = "2026-09-15"
EVENING = dt.datetime(2026, 9, 15, 19, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))


def _materialized(instance: dg.DagsterInstance, graph, keys) -> None:
    for key in keys:
        partition = DAY if graph.get(key).partitions_def else None
        instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=key, partition=partition))


def _requested(result, graph) -> set[str]:
    return {k.to_user_string() for k in graph.get_all_asset_keys() if result.get_requested_partitions(k)}


def test_a_new_disclosures_partition_pulls_every_dbt_model_downstream() -> None:
    graph = defs.resolve_asset_graph()
    everything = [k for k in graph.get_all_asset_keys() if graph.get(k).is_materializable]
    with dg.instance_for_test() as instance:
        _materialized(instance, graph, everything)  # a warehouse that is up to date
        settled = dg.evaluate_automation_conditions(defs=defs, instance=instance, evaluation_time=EVENING)
        assert settled.total_requested == 0

        _materialized(instance, graph, [DISCLOSURES_KEY])  # the day is (re)loaded
        tick = dg.evaluate_automation_conditions(
            defs=defs, instance=instance, evaluation_time=EVENING + dt.timedelta(minutes=1), cursor=settled.cursor
        )
        daily = _requested(tick, graph)
        assert {
            "dart_staging/stg_dart__disclosures",
            "dart_intermediate/int_disclosures__classified",
            "dart_marts/disclosure_impact_scores",
            "dart_marts/daily_disclosure_sentiment",
        } <= daily
        assert all(tick.get_requested_partitions(dg.AssetKey.from_user_string(k)) == {DAY} for k in daily)

        _materialized(instance, graph, [dg.AssetKey.from_user_string(k) for k in daily])  # that run succeeds
        after = dg.evaluate_automation_conditions(
            defs=defs, instance=instance, evaluation_time=EVENING + dt.timedelta(minutes=2), cursor=tick.cursor
        )
        assert {"dart_marts/index_weights", "dart_marts/fear_greed_index"} <= _requested(after, graph)

        requested_anywhere = daily | _requested(after, graph)
        for source in (DISCLOSURES_KEY, FINANCIAL_ACCOUNTS_KEY, CORP_CODES_KEY):
            assert source.to_user_string() not in requested_anywhere  # never a DART call


def test_the_automation_sensor_is_on_by_default() -> None:
    sensor = defs.resolve_sensor_def("declarative_automation")
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING


def test_a_fresh_deployment_starts_nothing_by_itself() -> None:
    """Before the first dart_daily run (which also loads the seeds), the automation sensor
    launches nothing: no run that would fail on missing seeds, no surprise DART calls."""
    with dg.instance_for_test() as instance:
        first = dg.evaluate_automation_conditions(defs=defs, instance=instance, evaluation_time=EVENING)
        again = dg.evaluate_automation_conditions(
            defs=defs, instance=instance, evaluation_time=EVENING + dt.timedelta(minutes=1), cursor=first.cursor
        )
    assert first.total_requested == 0 and again.total_requested == 0
