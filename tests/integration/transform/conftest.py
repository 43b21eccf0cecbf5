"""A warehouse built once per module by a real `dbt build` over real recorded disclosures.

dbt costs seconds per invocation, so the assertions share one build instead of paying for it
test by test (the whole project suite must stay within minutes on two cores).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from dart_assets.transform.prepare import prepare
from dart_assets.warehouse.migrate import upgrade
from tests.support import samples
from tests.support.dbt import run_dbt
from tests.support.market_rows import fill_market_raw

# Market sessions behind the index in the module build: a year before the recorded filings
# (2025-03..2026-03) so that every component (52-week strength: 252 sessions, then 20 scores)
# is there while disclosure sentiment is, ~450 sessions of a few dozen issues.
MARKET_START, MARKET_END = date(2024, 6, 3), date(2026, 3, 31)


@pytest.fixture(scope="session")
def dbt_manifest() -> Path:
    """`dbt parse` once per test session: the Dagster definitions read its manifest."""
    return prepare()


@pytest.fixture(scope="module")
def module_db_url(pg_server_url: str) -> Iterator[str]:
    """A migrated database for one test module, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(pg_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(pg_server_url).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def built_warehouse(module_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[sa.Engine]:
    """Real filings (110 large caps for a year, every filing of 2022-01-03, one company's full
    history with its financials) loaded into dart_raw, market sessions into market_raw
    (market_rows.py), then one full `dbt build`: seeds, models, data tests and unit tests."""
    engine = sa.create_engine(module_db_url)
    fill_market_raw(engine, MARKET_START, MARKET_END)
    samples.load_disclosures(engine, samples.list_rows())
    samples.load_disclosures(engine, samples.web_list_rows())
    samples.load_disclosures(engine, samples.company_list_rows())
    samples.load_financials(engine)
    samples.load_major_events(engine)
    result = run_dbt(["build"], module_db_url, tmp_path_factory.mktemp("dbt_target"))
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    yield engine
    engine.dispose()
