"""The dbt assets through Dagster on real filings of three days: the dart_daily job on a fresh
warehouse, then the daily dbt assets materialized again for the same partition (the
incremental branch), which must rebuild that day and nothing else."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import dagster as dg
import sqlalchemy as sa

from dart_assets.core.partitions import DAILY_PARTITIONS, DISCLOSURES_KEY, MAJOR_EVENTS_KEY, MARKET_PARTITIONS
from dart_assets.sources.market.assets import MARKET_KEYS
from tests.support import samples
from tests.support.market_rows import fill_market_raw

# EARLIER has a filing severe enough for market_moving_events (none on the other two days).
EARLIER, DAY, NEXT_DAY = date(2026, 3, 16), date(2026, 3, 19), date(2026, 3, 20)


@dg.asset(key=DISCLOSURES_KEY, partitions_def=DAILY_PARTITIONS)
def disclosures_stand_in() -> None:
    """Stands in for the ingestion asset (another concern): the rows are loaded by the test."""


@dg.asset(key=MAJOR_EVENTS_KEY, partitions_def=DAILY_PARTITIONS, deps=[DISCLOSURES_KEY])
def major_events_stand_in() -> None:
    """Stands in for the DS005 ingestion asset: the test's days have no details."""


@dg.multi_asset(specs=[dg.AssetSpec(key) for key in MARKET_KEYS], partitions_def=MARKET_PARTITIONS)
def market_stand_in():
    """Stands in for the market_raw assets (another concern; the market_daily job selects
    them): the rows are loaded by the test (market_rows.py)."""


def withdrawn(engine: sa.Engine) -> dict[str, bool]:
    with engine.connect() as conn:
        return dict(
            conn.execute(sa.text("select rcept_no, is_withdrawn from dart_marts.disclosure_impact_scores")).all()
        )


def severe_events(engine: sa.Engine) -> tuple[set[tuple], set[tuple]]:
    """(date, rcept_no) of the severe_event rows in market_moving_events, and of the scored
    filings that qualify for one (var mme_outlier_abs_ar_pct: 4)."""
    with engine.connect() as conn:
        found = conn.execute(
            sa.text("select date, rcept_no from dart_marts.market_moving_events where kind = 'severe_event'")
        ).all()
        expected = conn.execute(
            sa.text(
                "select rcept_dt, rcept_no from dart_marts.disclosure_impact_scores"
                " where sentiment_weight > 0 and abs(expected_ar_pct) >= 4"
            )
        ).all()
    return {tuple(r) for r in found}, {tuple(r) for r in expected}


def test_dart_daily_on_a_fresh_warehouse_then_the_partition_again(
    dart_env: Path, db_url: str, dbt_manifest: Path
) -> None:
    from dart_assets.transform.defs import dbt_daily_models, defs as transform_defs
    from dart_assets.transform.project import dbt_resource

    engine = sa.create_engine(db_url)
    loaded = [r for r in samples.list_rows() if r["rcept_dt"] in (EARLIER, DAY, NEXT_DAY)]
    samples.load_disclosures(engine, loaded)
    fill_market_raw(engine, date(2025, 9, 1), NEXT_DAY)  # ~130 sessions: the index from ~70 on
    instance = dg.DagsterInstance.ephemeral()

    defs = dg.Definitions.merge(
        transform_defs, dg.Definitions(assets=[disclosures_stand_in, major_events_stand_in, market_stand_in])
    )
    first = defs.resolve_job_def("dart_daily").execute_in_process(partition_key=DAY.isoformat(), instance=instance)
    assert first.success
    built = {e.asset_key.to_user_string(): e.partition for e in first.get_asset_materialization_events()}
    assert built["dart_marts/disclosure_impact_scores"] == DAY.isoformat()
    assert built["dart_marts/fear_greed_index"] is None  # unpartitioned, with its market models
    assert {"dart_staging/stg_market__kospi", "dart_intermediate/int_market__strength"} <= set(built)
    with engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from dart_marts.fear_greed_index")).scalar_one() > 40
    # The first build of an incremental model is a full one: every day is scored, and every
    # day's market-moving events found, not only the partition's.
    assert len(withdrawn(engine)) == len(loaded)
    found, expected = severe_events(engine)
    assert any(day != DAY for day, _ in expected)  # else the next line could not fail
    assert found == expected

    # rm gains 철 on one filing of each day; only the rebuilt partition may see it.
    day_filing = next(r["rcept_no"] for r in loaded if r["rcept_dt"] == DAY)
    next_day_filing = next(r["rcept_no"] for r in loaded if r["rcept_dt"] == NEXT_DAY)
    with engine.begin() as conn:
        conn.execute(
            sa.text("update dart_raw.disclosures set rm = rm || '철' where rcept_no in (:a, :b)"),
            {"a": day_filing, "b": next_day_filing},
        )

    second = dg.materialize(
        [dbt_daily_models], partition_key=DAY.isoformat(), resources={"dbt": dbt_resource()}, instance=instance
    )
    assert second.success
    rebuilt = {e.asset_key.to_user_string() for e in second.get_asset_materialization_events()}
    assert {"dart_marts/disclosure_impact_scores", "dart_marts/daily_disclosure_sentiment"} <= rebuilt

    after = withdrawn(engine)
    assert len(after) == len(loaded)  # delete+insert: no duplicates
    assert after[day_filing] is True
    assert after[next_day_filing] is False  # outside the partition window
    engine.dispose()


def test_source_freshness_is_reported_as_asset_checks(dart_env: Path, db_url: str, dbt_manifest: Path) -> None:
    from dart_assets.core.partitions import CORP_CODES_KEY, FINANCIAL_ACCOUNTS_KEY
    from dart_assets.transform.defs import defs as transform_defs

    engine = sa.create_engine(db_url)
    samples.load_disclosures(engine, samples.list_rows()[:10])  # loaded_at = now: fresh
    with engine.begin() as conn:  # the company master was last written 20 days ago: past error_after
        conn.execute(
            sa.text(
                "insert into dart_raw.corp_codes (corp_code, corp_name, loaded_at) "
                "values ('00126380', '삼성전자', now() - interval '20 days')"
            )
        )
    engine.dispose()

    @dg.asset(key=CORP_CODES_KEY)
    def corp_codes_stand_in() -> None: ...

    @dg.asset(key=FINANCIAL_ACCOUNTS_KEY)
    def financial_accounts_stand_in() -> None: ...

    defs = dg.Definitions.merge(
        transform_defs,
        dg.Definitions(
            assets=[
                disclosures_stand_in,
                major_events_stand_in,
                corp_codes_stand_in,
                financial_accounts_stand_in,
                market_stand_in,
            ]
        ),
    )
    result = defs.resolve_job_def("dart_source_freshness").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
    )
    evaluations = {e.asset_key: e for e in result.get_asset_check_evaluations()}
    assert evaluations[DISCLOSURES_KEY].passed
    assert evaluations[DISCLOSURES_KEY].metadata["status"].value == "pass"
    stale = evaluations[CORP_CODES_KEY]
    assert not stale.passed and stale.severity == dg.AssetCheckSeverity.ERROR
    assert stale.metadata["age_hours"].value > 15 * 24
    empty = evaluations[FINANCIAL_ACCOUNTS_KEY]  # nothing loaded yet: no freshness to measure
    assert not empty.passed
