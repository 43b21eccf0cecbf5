"""Pure pieces of the transform concern: argument builders, profile, translator, freshness, samples."""

from __future__ import annotations

import csv
import json
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from dart_assets.core.partitions import CORP_CODES_KEY, DISCLOSURES_KEY, FINANCIAL_ACCOUNTS_KEY
from dart_assets.transform.docs import docs_commands
from dart_assets.transform.freshness import CHECK_NAME, freshness_results
from dart_assets.transform.profile import DBT_PROJECT_DIR, apply_dbt_env, dbt_env
from dart_assets.transform.project import build_args, window_vars
from dart_assets.transform.translator import TRANSLATOR
from tests.support import samples

SEOUL = ZoneInfo("Asia/Seoul")


def test_window_vars_are_the_partition_dates() -> None:
    start = datetime(2026, 3, 19, tzinfo=SEOUL)
    assert window_vars(start, datetime(2026, 3, 20, tzinfo=SEOUL)) == {
        "min_date": "2026-03-19",
        "max_date": "2026-03-20",
    }
    # a single-run backfill hands over the whole range
    assert window_vars(date(2026, 3, 1), date(2026, 4, 1))["max_date"] == "2026-04-01"
    with pytest.raises(ValueError, match="empty partition window"):
        window_vars(start, start)


def test_build_args() -> None:
    args = build_args({"min_date": "2026-03-19", "max_date": "2026-03-20"}, full_refresh=True)
    assert args[0] == "build" and args[-1] == "--full-refresh"
    assert json.loads(args[args.index("--vars") + 1]) == {"min_date": "2026-03-19", "max_date": "2026-03-20"}
    assert args[args.index("--indirect-selection") + 1] == "cautious"
    assert "--vars" not in build_args() and "--full-refresh" not in build_args()


def test_dbt_env_from_unix_socket_and_tcp_urls() -> None:
    sock = dbt_env("postgresql+psycopg2://postgres:@/postgres?host=/tmp/pg/sock")
    assert sock == {
        "DBT_PG_HOST": "/tmp/pg/sock",
        "DBT_PG_PORT": "5432",
        "DBT_PG_USER": "postgres",
        "DBT_ENV_SECRET_PG_PASSWORD": "",
        "DBT_PG_DBNAME": "postgres",
    }
    tcp = dbt_env("postgresql+psycopg2://dart:p%40ss@db.internal:6543/warehouse")
    assert (tcp["DBT_PG_HOST"], tcp["DBT_PG_PORT"], tcp["DBT_PG_DBNAME"]) == ("db.internal", "6543", "warehouse")
    assert tcp["DBT_ENV_SECRET_PG_PASSWORD"] == "p@ss"  # dbt scrubs DBT_ENV_SECRET_* from its logs


def test_apply_dbt_env_writes_the_given_mapping() -> None:
    environ: dict[str, str] = {}
    apply_dbt_env("postgresql+psycopg2://u:@h:5432/d", environ)
    assert environ["DBT_PG_USER"] == "u" and environ["DBT_PG_DBNAME"] == "d"


def test_profile_reads_exactly_the_variables_we_set() -> None:
    profile = (DBT_PROJECT_DIR / "profiles.yml").read_text()
    assert set(re.findall(r"env_var\('(DBT_(?:PG|ENV_SECRET)_\w+)'", profile)) == set(dbt_env("postgresql://u:@h/d"))


def test_translator_keys_sources_onto_the_ingestion_assets() -> None:
    for key in (DISCLOSURES_KEY, CORP_CODES_KEY, FINANCIAL_ACCOUNTS_KEY):
        props = {"resource_type": "source", "source_name": key.path[0], "name": key.path[1], "schema": key.path[0]}
        assert TRANSLATOR.get_asset_key(props) == key
    mart = {"resource_type": "model", "schema": "dart_marts", "name": "fear_greed_index"}
    assert TRANSLATOR.get_asset_key(mart) == dg.AssetKey(["dart_marts", "fear_greed_index"])
    assert TRANSLATOR.get_group_name(mart) == "dbt_marts"
    assert (
        TRANSLATOR.get_group_name({"resource_type": "seed", "schema": "dart_staging", "name": "kospi"}) == "dbt_seeds"
    )


def test_freshness_results_map_dbt_status_to_severity() -> None:
    sources_json = {
        "results": [
            {
                "unique_id": "source.dart_fg.dart_raw.disclosures",
                "status": "pass",
                "max_loaded_at": "2026-03-20T09:30:00+00:00",
                "max_loaded_at_time_ago_in_s": 3600,
            },
            {
                "unique_id": "source.dart_fg.dart_raw.corp_codes",
                "status": "warn",
                "max_loaded_at": "2026-03-10T00:00:00+00:00",
                "max_loaded_at_time_ago_in_s": 9 * 86400,
            },
            {
                "unique_id": "source.dart_fg.dart_raw.financial_accounts",
                "status": "runtime error",
                "message": "no rows",
            },
            {"unique_id": "source.dart_fg.dart_ops.partition_loads", "status": "pass"},
        ]
    }
    results = {r.asset_key: r for r in freshness_results(sources_json)}
    assert set(results) == {DISCLOSURES_KEY, CORP_CODES_KEY, FINANCIAL_ACCOUNTS_KEY}
    assert all(r.check_name == CHECK_NAME for r in results.values())
    assert results[DISCLOSURES_KEY].passed and results[DISCLOSURES_KEY].metadata["age_hours"].value == 1.0
    assert not results[CORP_CODES_KEY].passed and results[CORP_CODES_KEY].severity == dg.AssetCheckSeverity.WARN
    failed = results[FINANCIAL_ACCOUNTS_KEY]
    assert not failed.passed and failed.severity == dg.AssetCheckSeverity.ERROR
    assert failed.metadata["message"].value == "no rows"


def test_docs_are_served_on_localhost_only() -> None:
    generate, serve = docs_commands("127.0.0.1", 8080)
    assert generate[1:3] == ["docs", "generate"]
    assert serve[serve.index("--host") + 1] == "127.0.0.1" and "--no-browser" in serve


def test_recorded_rows_keep_raw_titles_and_valid_keys() -> None:
    rows = samples.list_rows()
    assert len(rows) == 5_307
    assert sum(r["report_nm"].endswith(" " * 14) for r in rows) == 3_768  # KIND's 14 trailing spaces kept
    web = samples.web_list_rows()
    assert len(web) == 502 and {r["corp_cls"] for r in web} <= {"Y", "K", "N", "E"}
    assert all(re.fullmatch(r"[0-9]{8}", r["corp_code"]) for r in rows + web)
    assert all(r["stock_code"] is None or re.fullmatch(r"[0-9A-Z]{6}", r["stock_code"]) for r in rows + web)


def test_event_taxonomy_seed_is_well_formed() -> None:
    with (DBT_PROJECT_DIR / "seeds" / "event_taxonomy.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    priorities = [int(r["priority"]) for r in rows]
    assert priorities == sorted(set(priorities))
    assert {r["polarity"] for r in rows} <= {"positive", "negative", "neutral", "conditional"}
    assert all(r["evidence"].strip() for r in rows)
    # every routine type expects no move; every signed type expects one in its direction
    for r in rows:
        ar = float(r["expected_ar_pct"])
        if r["is_routine"] == "true" or r["polarity"] in ("neutral", "conditional"):
            assert ar == 0, r["event_type"]
        else:
            assert (ar > 0) == (r["polarity"] == "positive"), r["event_type"]
