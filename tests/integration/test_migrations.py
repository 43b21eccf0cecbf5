"""Migrations against a real PostgreSQL: idempotent, and they create the contract tables."""

from __future__ import annotations

import sqlalchemy as sa

from dart_assets.warehouse.migrate import upgrade

CONTRACT_TABLES = {
    ("dart_raw", "disclosures"),
    ("dart_raw", "corp_codes"),
    ("dart_raw", "financial_accounts"),
    ("dart_ops", "quarantine"),
    ("dart_ops", "dead_letters"),
    ("dart_ops", "audit_log"),
    ("dart_ops", "api_quota_usage"),
}


def _tables(url: str) -> set[tuple[str, str]]:
    eng = sa.create_engine(url)
    with eng.connect() as conn:
        rows = conn.execute(
            sa.text(
                "select table_schema, table_name from information_schema.tables "
                "where table_schema in ('dart_raw', 'dart_ops')"
            )
        ).all()
    eng.dispose()
    return {(r[0], r[1]) for r in rows}


def test_upgrade_creates_contract_tables_and_is_idempotent(empty_db_url: str) -> None:
    upgrade(empty_db_url)
    first = _tables(empty_db_url)
    assert CONTRACT_TABLES <= first
    upgrade(empty_db_url)  # second run: no error, nothing changes
    assert _tables(empty_db_url) == first


def test_disclosure_constraints_reject_malformed_keys(db_url: str) -> None:
    eng = sa.create_engine(db_url)
    with eng.begin() as conn:
        try:
            conn.execute(
                sa.text(
                    "insert into dart_raw.disclosures "
                    "(rcept_no, corp_code, corp_name, corp_cls, report_nm, flr_nm, rcept_dt) "
                    "values ('123', '00126380', 'x', 'Y', 'r', 'f', '2026-01-02')"
                )
            )
        except sa.exc.IntegrityError as exc:
            assert "rcept_no" in str(exc)
        else:
            raise AssertionError("a 3-digit rcept_no was accepted")
    eng.dispose()
