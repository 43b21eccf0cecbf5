"""Partitions shared by ingestion and the dbt assets downstream (CONTRACTS.md, "Partitions").

Daily keys are Asia/Seoul dates matching DART's rcept_dt; end_offset=1 makes today's partition
available, because the 18:30 weekday schedule loads the day that is still running.
Weekly partitions start on Monday (day_offset=1), Asia/Seoul.
"""

import dagster as dg

SEOUL = "Asia/Seoul"

DAILY_PARTITIONS = dg.DailyPartitionsDefinition(start_date="2015-01-01", timezone=SEOUL, end_offset=1)
WEEKLY_PARTITIONS = dg.WeeklyPartitionsDefinition(start_date="2015-01-05", day_offset=1, timezone=SEOUL)

DISCLOSURES_KEY = dg.AssetKey(["dart_raw", "disclosures"])
CORP_CODES_KEY = dg.AssetKey(["dart_raw", "corp_codes"])
FINANCIAL_ACCOUNTS_KEY = dg.AssetKey(["dart_raw", "financial_accounts"])

DART_API_POOL = "dart_api"
