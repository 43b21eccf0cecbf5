"""Dagster definitions of the ingestion concern (merged in dart_assets/definitions.py).

Schedules live in dart_assets/scheduling, sensors in alerting, recovery and ops; the `dart_daily`
job (disclosures and the dbt models downstream) in dart_assets/transform.
"""

import dagster as dg

from dart_assets.core.partitions import (
    CORP_CODES_KEY,
    DAILY_PARTITIONS,
    DISCLOSURES_KEY,
    FINANCIAL_ACCOUNTS_KEY,
    MAJOR_EVENTS_KEY,
    MARKET_PARTITIONS,
    WEEKLY_PARTITIONS,
)
from dart_assets.sources.dart.assets.corp_codes import corp_codes
from dart_assets.sources.dart.assets.disclosures import disclosures
from dart_assets.sources.dart.assets.financials import financial_accounts
from dart_assets.sources.dart.assets.major_events import major_events
from dart_assets.sources.dart.checks import (
    disclosures_completeness_check,
    no_duplicate_keys_check,
    quarantine_rate_check,
)
from dart_assets.sources.dart.resource import DartResource
from dart_assets.sources.dart.schemas import ACCOUNT_KEY, MAJOR_EVENT_KEY
from dart_assets.sources.market.assets import MARKET_ASSETS, RESOURCES as MARKET_RESOURCES, market_key
from dart_assets.sources.market.checks import (
    ISSUE_COUNT_BAND,
    ISSUE_COUNT_SQL,
    KOSPI_ROW_SQL,
    PUT_CALL_SQL,
    session_check,
)
from dart_assets.sources.market.tables import ALL_TABLES, KOSPI_INDEX, OPTION_TRADES, STOCK_TRADES
from dart_assets.warehouse.resource import WarehouseResource

MARKET_CHECKS = [
    session_check(
        market_key(KOSPI_INDEX),
        MARKET_PARTITIONS,
        name="one_kospi_row_per_session",
        sql=KOSPI_ROW_SQL,
        description="Every session has exactly one 코스피 row with a close: momentum and safe haven need it.",
    ),
    session_check(
        market_key(OPTION_TRADES),
        MARKET_PARTITIONS,
        name="put_and_call_volume_present",
        sql=PUT_CALL_SQL,
        description="Every session has KOSPI200 option (코스피200 옵션) put and call volume above zero.",
    ),
    session_check(
        market_key(STOCK_TRADES),
        MARKET_PARTITIONS,
        name="issue_count_plausible",
        sql=ISSUE_COUNT_SQL,
        description=f"Every session lists {ISSUE_COUNT_BAND[0]}-{ISSUE_COUNT_BAND[1]} KOSPI issues "
        "(a truncated answer skews breadth and strength).",
    ),
    *(quarantine_rate_check(market_key(t), partitions_def=MARKET_PARTITIONS) for t in ALL_TABLES),
]

ASSET_CHECKS = [
    no_duplicate_keys_check(
        DISCLOSURES_KEY, "dart_raw.disclosures", ["rcept_no"], date_column="rcept_dt", partitions_def=DAILY_PARTITIONS
    ),
    disclosures_completeness_check(DISCLOSURES_KEY, DAILY_PARTITIONS),
    quarantine_rate_check(DISCLOSURES_KEY, partitions_def=DAILY_PARTITIONS),
    no_duplicate_keys_check(
        FINANCIAL_ACCOUNTS_KEY,
        "dart_raw.financial_accounts",
        ACCOUNT_KEY,
        date_column="week_start",
        partitions_def=WEEKLY_PARTITIONS,
    ),
    quarantine_rate_check(FINANCIAL_ACCOUNTS_KEY, partitions_def=WEEKLY_PARTITIONS),
    no_duplicate_keys_check(
        MAJOR_EVENTS_KEY,
        "dart_raw.major_events",
        MAJOR_EVENT_KEY,
        date_column="rcept_dt",
        partitions_def=DAILY_PARTITIONS,
    ),
    # DS005 details refine the scores: a filing whose item is quarantined scores from its title,
    # and ~200 items a day put 1% at two or three bad ones, so the day's scores are not blocked.
    quarantine_rate_check(MAJOR_EVENTS_KEY, partitions_def=DAILY_PARTITIONS, blocking=False),
    no_duplicate_keys_check(CORP_CODES_KEY, "dart_raw.corp_codes", ["corp_code"]),
    quarantine_rate_check(CORP_CODES_KEY),
    *MARKET_CHECKS,
]

dart_corp_codes_job = dg.define_asset_job(
    "dart_corp_codes",
    selection=dg.AssetSelection.assets(CORP_CODES_KEY),
    description="Refresh the company master (corpCode.xml) and check it.",
)

# Only the weekly asset: the dbt models built on financial_accounts are daily-partitioned, and
# one job cannot mix partitions definitions; they follow through the daily chain.
dart_weekly_job = dg.define_asset_job(
    "dart_weekly",
    selection=dg.AssetSelection.assets(FINANCIAL_ACCOUNTS_KEY),
    partitions_def=WEEKLY_PARTITIONS,
    description="Financial accounts (fnlttMultiAcnt) of one weekly partition, with their checks.",
)

defs = dg.Definitions(
    assets=[corp_codes, disclosures, major_events, financial_accounts, *MARKET_ASSETS],
    asset_checks=ASSET_CHECKS,
    jobs=[dart_corp_codes_job, dart_weekly_job],
    resources={"dart": DartResource(), "warehouse": WarehouseResource(), **MARKET_RESOURCES},
)
