"""Shared fixtures: a real PostgreSQL (pgserver) for the session, a fresh migrated database per use."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from dart_assets.core.settings import get_settings
from dart_assets.warehouse.embedded import to_sqlalchemy_url
from dart_assets.warehouse.migrate import upgrade
from simulators.server import SimulatorConfig, SimulatorHandle, run_simulator

TEST_KEY = "a" * 40  # a syntactically valid, fake OpenDART key
INTEGRATION = Path(__file__).parent / "integration"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Everything under tests/integration is an integration test: the folder says so, not each file."""
    for item in items:
        if item.path.is_relative_to(INTEGRATION):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def pg_server_url() -> Iterator[str]:
    """A real PostgreSQL 16 for the whole run, deleted at the end; or TEST_DATABASE_URL's server."""
    external = os.environ.get("TEST_DATABASE_URL")
    if external:
        yield to_sqlalchemy_url(external)
        return
    from dart_assets.warehouse.embedded import import_pgserver

    pgserver = import_pgserver()
    # Outside any private folder: as root, pgserver opens traverse permission on every parent.
    data_dir = Path(tempfile.mkdtemp(prefix="dart_fg_test_pg_", dir="/tmp"))
    server = pgserver.get_server(str(data_dir), cleanup_mode="delete")
    try:
        yield to_sqlalchemy_url(server.get_uri())
    finally:
        server.cleanup()


def _with_database(server_url: str, name: str) -> str:
    url = sa.engine.make_url(server_url)
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture
def empty_db_url(pg_server_url: str) -> Iterator[str]:
    """A brand-new, empty database on the session server, dropped afterwards."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(pg_server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield _with_database(pg_server_url, name)
    finally:
        from dart_assets.warehouse.db import _engine_for

        _engine_for.cache_clear()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def db_url(empty_db_url: str) -> str:
    """A fresh database migrated to head."""
    upgrade(empty_db_url)
    return empty_db_url


@pytest.fixture
def engine(db_url: str) -> Iterator[sa.Engine]:
    eng = sa.create_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def dart_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_url: str) -> Iterator[Path]:
    """Environment for code that reads settings: fresh DB, a fake key, state under tmp_path."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("DART_FG_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DART_API_KEY", TEST_KEY)
    monkeypatch.delenv("DART_API_KEYS", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


@pytest.fixture
def simulator() -> Iterator[SimulatorHandle]:
    """A running OpenDART simulator on 127.0.0.1 with default settings (seed 42, no faults)."""
    with run_simulator(SimulatorConfig()) as handle:
        yield handle
