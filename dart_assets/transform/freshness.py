"""dbt source freshness as Dagster asset checks on the ingestion assets that fill dart_raw.

dbt knows the thresholds (models/staging/dart/_dart__sources.yml); Dagster knows the assets.
One check per source runs `dbt source freshness` once and reports pass, warn (WARN severity) or
error (ERROR severity) with the age of the newest row.
"""

import json
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from dart_assets.core.partitions import CORP_CODES_KEY, DISCLOSURES_KEY, FINANCIAL_ACCOUNTS_KEY, MAJOR_EVENTS_KEY
from dart_assets.transform.profile import apply_dbt_env
from dart_assets.transform.project import DBT_POOL

CHECK_NAME = "dbt_source_freshness"
SOURCE_KEYS = (DISCLOSURES_KEY, CORP_CODES_KEY, FINANCIAL_ACCOUNTS_KEY, MAJOR_EVENTS_KEY)


def freshness_results(sources_json: dict) -> Iterator[dg.AssetCheckResult]:
    """Asset check results from dbt's sources.json (one per source with a freshness rule)."""
    by_key = {key.to_user_string(): key for key in SOURCE_KEYS}
    for result in sources_json.get("results", []):
        # unique_id: source.<project>.<source_name>.<table>
        _, _, source_name, table = result["unique_id"].split(".", 3)
        key = by_key.get(f"{source_name}/{table}")
        if key is None:
            continue
        status = result.get("status", "runtime error")
        metadata = {"status": status}
        if result.get("max_loaded_at_time_ago_in_s") is not None:
            metadata["age_hours"] = round(result["max_loaded_at_time_ago_in_s"] / 3600, 2)
            metadata["max_loaded_at"] = result["max_loaded_at"]
        if result.get("criteria"):
            metadata["criteria"] = json.dumps(result["criteria"])
        if status not in ("pass", "warn", "error"):
            metadata["message"] = result.get("message") or "dbt could not measure freshness (empty or missing table?)"
        yield dg.AssetCheckResult(
            asset_key=key,
            check_name=CHECK_NAME,
            passed=status == "pass",
            severity=dg.AssetCheckSeverity.WARN if status == "warn" else dg.AssetCheckSeverity.ERROR,
            metadata=metadata,
        )


@dg.multi_asset_check(
    specs=[
        dg.AssetCheckSpec(
            CHECK_NAME, asset=key, description="dbt source freshness (warn_after/error_after on loaded_at)"
        )
        for key in SOURCE_KEYS
    ],
    can_subset=True,
    pool=DBT_POOL,
)
def dbt_source_freshness(context: dg.AssetCheckExecutionContext, dbt: DbtCliResource) -> Iterator[dg.AssetCheckResult]:
    apply_dbt_env()
    selected = {spec_key.asset_key for spec_key in context.selected_asset_check_keys}
    selects = [f"source:{key.path[0]}.{key.path[1]}" for key in SOURCE_KEYS if key in selected]
    invocation = dbt.cli(["source", "freshness", "--select", " ".join(selects)], raise_on_error=False)
    invocation.wait()
    sources_path = Path(invocation.target_path) / "sources.json"
    if not sources_path.exists():
        raise dg.Failure(f"dbt source freshness wrote no {sources_path.name}; see the dbt logs above")
    for result in freshness_results(json.loads(sources_path.read_text())):
        if result.asset_key in selected:
            yield result
