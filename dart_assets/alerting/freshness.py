"""Freshness policies, kept in one mapping, and their evaluation for the freshness alert sensor.

The policies are attached to the merged definitions (`apply_freshness_policies`), so Dagster's
UI and freshness daemon show them too. The alert sensor evaluates them itself with Dagster's
rules (last materialization inside the last completed deadline window), so alerts do not depend
on the freshness daemon being enabled.
"""

from __future__ import annotations

import warnings
from datetime import datetime, timedelta

import dagster as dg
from dagster._core.definitions.freshness import CronFreshnessPolicy, TimeWindowFreshnessPolicy
from dagster._utils.schedules import get_latest_completed_cron_tick

from dart_assets.core.partitions import (
    CORP_CODES_KEY,
    DISCLOSURES_KEY,
    FINANCIAL_ACCOUNTS_KEY,
    MAJOR_EVENTS_KEY,
    SEOUL,
)
from dart_assets.sources.market.assets import MARKET_KEYS

MARTS_SCHEMA = "dart_marts"

FRESHNESS_POLICIES: dict[dg.AssetKey, dg.FreshnessPolicy] = {
    # The 18:30 weekday run must have landed by 19:30.
    DISCLOSURES_KEY: dg.FreshnessPolicy.cron(
        deadline_cron="30 19 * * 1-5", lower_bound_delta=timedelta(hours=1), timezone=SEOUL
    ),
    # The same run loads the day's DS005 details right after (~200 calls).
    MAJOR_EVENTS_KEY: dg.FreshnessPolicy.cron(
        deadline_cron="30 19 * * 1-5", lower_bound_delta=timedelta(hours=1), timezone=SEOUL
    ),
    # Sunday 02:00 run, due by Monday 06:00.
    FINANCIAL_ACCOUNTS_KEY: dg.FreshnessPolicy.cron(
        deadline_cron="0 6 * * 1", lower_bound_delta=timedelta(hours=28), timezone=SEOUL
    ),
    # Sunday 01:00 run, due by Monday 06:00.
    CORP_CODES_KEY: dg.FreshnessPolicy.cron(
        deadline_cron="0 6 * * 1", lower_bound_delta=timedelta(hours=29), timezone=SEOUL
    ),
    # The 09:10 Tuesday-Saturday market run: Saturday's load must be followed by Tuesday's
    # (with its retries) within 74 hours. Exchange holidays of more than a day make them stale
    # on purpose (no new session); a run that fails alerts on its own at once.
    **{key: dg.FreshnessPolicy.time_window(fail_window=timedelta(hours=74)) for key in MARKET_KEYS},
}
# Every mart is rebuilt by the 18:30 dart_daily run, due by 20:00 on weekdays.
MARTS_POLICY = dg.FreshnessPolicy.cron(
    deadline_cron="0 20 * * 1-5", lower_bound_delta=timedelta(minutes=90), timezone=SEOUL
)


def policy_for(key: dg.AssetKey) -> dg.FreshnessPolicy | None:
    if key in FRESHNESS_POLICIES:
        return FRESHNESS_POLICIES[key]
    if key.path[0] == MARTS_SCHEMA:
        return MARTS_POLICY
    return None


def _with_policy(spec: dg.AssetSpec) -> dg.AssetSpec:
    policy = policy_for(spec.key)
    return spec if policy is None else dg.apply_freshness_policy(spec, policy)


def apply_freshness_policies(defs: dg.Definitions) -> dg.Definitions:
    """The same definitions with the policies above on the ingestion assets and the marts."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", dg.PreviewWarning)  # stable enough at the pinned 1.13.27
        return defs.map_asset_specs(func=_with_policy)


def is_stale(policy: dg.FreshnessPolicy, last_materialized: datetime, now: datetime) -> bool:
    """Dagster's FAIL state: no materialization inside the window the policy requires."""
    if isinstance(policy, TimeWindowFreshnessPolicy):
        return now - last_materialized >= policy.fail_window.to_timedelta()
    if isinstance(policy, CronFreshnessPolicy):
        deadline = get_latest_completed_cron_tick(policy.deadline_cron, now, policy.timezone)
        return last_materialized < deadline - policy.lower_bound_delta
    raise TypeError(f"unsupported freshness policy {type(policy).__name__}")
