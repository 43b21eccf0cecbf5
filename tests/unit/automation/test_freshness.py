"""Freshness policies: where they apply and when an asset counts as stale."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from dart_assets.alerting.freshness import FRESHNESS_POLICIES, MARTS_POLICY, apply_freshness_policies, is_stale
from dart_assets.core.partitions import DISCLOSURES_KEY, FINANCIAL_ACCOUNTS_KEY

SEOUL = ZoneInfo("Asia/Seoul")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=SEOUL)


@pytest.mark.parametrize(
    "last, now, stale",
    [
        ("2026-11-26 18:45", "2026-11-26 19:29", False),  # before the deadline: yesterday's window counts
        ("2026-11-26 18:45", "2026-11-26 19:31", False),  # landed inside 18:30-19:30
        ("2026-11-25 18:45", "2026-11-26 19:31", True),  # today's run missing at 19:30
        ("2026-11-26 19:45", "2026-11-27 19:31", True),
        ("2026-11-27 18:40", "2026-11-30 10:00", False),  # the weekend has no deadline
    ],
)
def test_disclosures_due_by_1930_on_weekdays(last: str, now: str, stale: bool) -> None:
    assert is_stale(FRESHNESS_POLICIES[DISCLOSURES_KEY], at(last), at(now)) is stale


def test_financials_due_by_monday_0600() -> None:
    policy = FRESHNESS_POLICIES[FINANCIAL_ACCOUNTS_KEY]
    assert not is_stale(policy, at("2026-11-29 02:20"), at("2026-11-30 06:01"))
    assert is_stale(policy, at("2026-11-22 02:20"), at("2026-11-30 06:01"))


def test_time_window_policy() -> None:
    policy = dg.FreshnessPolicy.time_window(fail_window=timedelta(hours=1))
    assert not is_stale(policy, at("2026-11-26 10:00"), at("2026-11-26 10:59"))
    assert is_stale(policy, at("2026-11-26 10:00"), at("2026-11-26 11:00"))


def test_policies_attach_to_ingestion_assets_and_marts_only() -> None:
    specs = [
        dg.AssetSpec(DISCLOSURES_KEY),
        dg.AssetSpec(["dart_marts", "fear_greed_index"]),
        dg.AssetSpec(["dart_staging", "stg_disclosures"]),
    ]
    mapped = apply_freshness_policies(dg.Definitions(assets=specs))
    graph = mapped.get_repository_def().asset_graph
    assert graph.get(DISCLOSURES_KEY).freshness_policy == FRESHNESS_POLICIES[DISCLOSURES_KEY]
    assert graph.get(dg.AssetKey(["dart_marts", "fear_greed_index"])).freshness_policy == MARTS_POLICY
    assert graph.get(dg.AssetKey(["dart_staging", "stg_disclosures"])).freshness_policy is None
