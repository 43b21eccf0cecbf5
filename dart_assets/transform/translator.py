"""How dbt nodes become Dagster assets: keys are [schema, name], like every table here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator

# Dagster group of each dbt schema.
_GROUPS = {
    "dart_staging": "dbt_staging",
    "dart_intermediate": "dbt_intermediate",
    "dart_marts": "dbt_marts",
}


class DartDbtTranslator(DagsterDbtTranslator):
    """Sources map onto the ingestion assets' keys (dart_raw/<table>); models and seeds onto
    [schema, name], e.g. dart_marts/fear_greed_index (CONTRACTS.md: key = schema/table)."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            return dg.AssetKey([dbt_resource_props["source_name"], dbt_resource_props["name"]])
        return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])

    def get_automation_condition(self, dbt_resource_props: Mapping[str, Any]) -> dg.AutomationCondition | None:
        """Models follow their inputs (eager): materializing today's disclosures partition, or a
        week of financials, from the UI rebuilds what depends on it without anyone running
        dart_daily. Eager only acts on the latest daily partition, so a historical partition or
        a backfill goes through dart_daily; seeds only change with the code.

        Unpartitioned models drop eager's "no dependency missing": they read every daily
        partition since 2015, most of which are never loaded, and would otherwise wait forever.
        """
        if dbt_resource_props["resource_type"] == "seed":
            return None
        if "daily" in dbt_resource_props.get("tags", []):
            return dg.AutomationCondition.eager()
        return dg.AutomationCondition.eager().without(~dg.AutomationCondition.any_deps_missing())

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "seed":
            return "dbt_seeds"
        return _GROUPS.get(dbt_resource_props["schema"], "dbt")


TRANSLATOR = DartDbtTranslator()
