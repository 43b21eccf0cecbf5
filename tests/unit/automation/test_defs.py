"""The automation definitions: on by default, complete with every job, refused without one."""

import dagster as dg
import pytest

from dart_assets.core.partitions import (
    CORP_CODES_KEY,
    DAILY_PARTITIONS,
    DART_API_POOL,
    DISCLOSURES_KEY,
    FINANCIAL_ACCOUNTS_KEY,
    KRX_API_POOL,
    MARKET_PARTITIONS,
    WEEKLY_PARTITIONS,
)
from dart_assets.ops.defs import build_defs, with_automation
from dart_assets.scheduling.schedules import PIPELINE_JOBS, SCHEDULED_JOBS

MARKET_KEY = dg.AssetKey(["market_raw", "kospi_index"])
DART_FACING = (DISCLOSURES_KEY, CORP_CODES_KEY, FINANCIAL_ACCOUNTS_KEY)


def _stub_pipeline(job_names: tuple[str, ...]) -> dg.Definitions:
    @dg.asset(key=DISCLOSURES_KEY, partitions_def=DAILY_PARTITIONS)
    def daily() -> None: ...

    @dg.asset(key=FINANCIAL_ACCOUNTS_KEY, partitions_def=WEEKLY_PARTITIONS)
    def weekly() -> None: ...

    @dg.asset(key=CORP_CODES_KEY)
    def corp() -> None: ...

    @dg.asset(key=MARKET_KEY, partitions_def=MARKET_PARTITIONS)
    def market() -> None: ...

    selections = {
        "dart_daily": DISCLOSURES_KEY,
        "dart_weekly": FINANCIAL_ACCOUNTS_KEY,
        "dart_corp_codes": CORP_CODES_KEY,
        "dart_source_freshness": CORP_CODES_KEY,
        "market_daily": MARKET_KEY,
    }
    jobs = [dg.define_asset_job(name, selection=dg.AssetSelection.assets(selections[name])) for name in job_names]
    return dg.Definitions(assets=[daily, weekly, corp, market], jobs=jobs)


def test_every_sensor_and_schedule_runs_by_default() -> None:
    defs = build_defs()
    assert len(defs.sensors) >= 9
    for sensor in defs.sensors:
        assert sensor.default_status == dg.DefaultSensorStatus.RUNNING, sensor.name
    for schedule in defs.schedules:
        assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING, schedule.name
    names = {s.name for s in defs.sensors}
    assert {
        "run_failure_alerts",
        "asset_check_alerts",
        "freshness_alerts",
        "quota_alerts",
        "completeness_alerts",
    } <= names


def test_merged_with_all_jobs_loads_everything() -> None:
    repo = with_automation(_stub_pipeline(SCHEDULED_JOBS)).get_repository_def()
    assert {s.name for s in repo.schedule_defs} == {
        "dart_daily_evening",
        "dart_daily_catchup",
        "market_daily_morning",
        "dart_weekly_sunday",
        "dart_corp_codes_weekly",
        "dart_source_freshness_daily",
        "retention_daily",
    }
    assert {f"{job}_dead_letter_redrive" for job in PIPELINE_JOBS} <= {s.name for s in repo.sensor_defs}
    assert repo.asset_graph.get(DISCLOSURES_KEY).freshness_policy is not None
    assert repo.asset_graph.get(MARKET_KEY).freshness_policy is not None


@pytest.mark.parametrize("missing", SCHEDULED_JOBS)
def test_missing_job_fails_at_load_naming_it(missing: str) -> None:
    present = tuple(job for job in SCHEDULED_JOBS if job != missing)
    with pytest.raises(ValueError, match=rf"\['{missing}'\] are scheduled but not defined"):
        with_automation(_stub_pipeline(present))


def test_misspelt_job_fails_at_load() -> None:
    renamed = dg.define_asset_job("dart_dialy", selection=dg.AssetSelection.assets(DISCLOSURES_KEY))
    pipeline = _stub_pipeline(tuple(job for job in SCHEDULED_JOBS if job != "dart_daily"))
    pipeline = dg.Definitions.merge(pipeline, dg.Definitions(jobs=[renamed]))
    with pytest.raises(ValueError, match="dart_daily"):
        with_automation(pipeline)


def test_dart_facing_assets_retry_with_exponential_backoff_and_jitter() -> None:
    from dart_assets.definitions import defs

    assets = defs.get_repository_def().assets_defs_by_key
    for key in DART_FACING:
        op = assets[key].op
        policy = op.retry_policy
        assert policy is not None, key
        assert policy.max_retries >= 1 and policy.delay and policy.delay > 0
        assert policy.backoff == dg.Backoff.EXPONENTIAL, key
        assert policy.jitter in (dg.Jitter.FULL, dg.Jitter.PLUS_MINUS), key
        assert op.pool == DART_API_POOL, key


def test_market_assets_retry_later_and_share_the_krx_pool() -> None:
    from dart_assets.definitions import defs
    from dart_assets.sources.market.assets import KRX_ASSETS

    assets = defs.get_repository_def().assets_defs_by_key
    for asset in KRX_ASSETS:
        op = assets[asset.key].op
        assert op.pool == KRX_API_POOL and op.retry_policy.backoff == dg.Backoff.EXPONENTIAL
        assert op.retry_policy.delay >= 300  # data published late is retried minutes later, not seconds
        assert assets[asset.key].partitions_def == MARKET_PARTITIONS
