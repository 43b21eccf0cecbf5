"""dart_raw and dart_ops: raw DART tables and operational tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UPGRADE = r"""
CREATE SCHEMA IF NOT EXISTS dart_raw;
CREATE SCHEMA IF NOT EXISTS dart_ops;

-- One row per filing. rm is mutable (정/철 are added later), so loads upsert.
CREATE TABLE dart_raw.disclosures (
    rcept_no      text PRIMARY KEY CHECK (rcept_no ~ '^[0-9]{14}$'),
    corp_code     text NOT NULL CHECK (corp_code ~ '^[0-9]{8}$'),
    corp_name     text NOT NULL,
    stock_code    text CHECK (stock_code IS NULL OR stock_code ~ '^[0-9A-Z]{6}$'),
    corp_cls      text NOT NULL CHECK (corp_cls IN ('Y', 'K', 'N', 'E')),
    report_nm     text NOT NULL,
    flr_nm        text NOT NULL,
    rcept_dt      date NOT NULL,
    rm            text NOT NULL DEFAULT '',
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    loaded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX disclosures_rcept_dt_idx ON dart_raw.disclosures (rcept_dt);
CREATE INDEX disclosures_corp_code_idx ON dart_raw.disclosures (corp_code, rcept_dt);

-- Company master; modify_date changes are kept in corp_code_changes.
CREATE TABLE dart_raw.corp_codes (
    corp_code     text PRIMARY KEY CHECK (corp_code ~ '^[0-9]{8}$'),
    corp_name     text NOT NULL,
    corp_eng_name text,
    stock_code    text,
    modify_date   date,
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    loaded_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX corp_codes_stock_code_idx ON dart_raw.corp_codes (stock_code) WHERE stock_code IS NOT NULL;

CREATE TABLE dart_raw.corp_code_changes (
    corp_code         text NOT NULL,
    modify_date       date,
    previous_modify_date date,
    corp_name         text NOT NULL,
    stock_code        text,
    changed_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (corp_code, changed_at)
);

-- Key accounts from fnlttMultiAcnt.json; amounts are exact numerics (never floats).
CREATE TABLE dart_raw.financial_accounts (
    rcept_no          text NOT NULL CHECK (rcept_no ~ '^[0-9]{14}$'),
    corp_code         text NOT NULL CHECK (corp_code ~ '^[0-9]{8}$'),
    stock_code        text,
    bsns_year         integer NOT NULL,
    reprt_code        text NOT NULL CHECK (reprt_code IN ('11011', '11012', '11013', '11014')),
    fs_div            text NOT NULL CHECK (fs_div IN ('CFS', 'OFS')),
    fs_nm             text,
    sj_div            text NOT NULL,
    sj_nm             text,
    account_nm        text NOT NULL,
    ord               integer NOT NULL DEFAULT 0,
    thstrm_nm         text,
    thstrm_dt         text,
    thstrm_amount     numeric,
    thstrm_add_amount numeric,
    frmtrm_nm         text,
    frmtrm_dt         text,
    frmtrm_amount     numeric,
    frmtrm_add_amount numeric,
    bfefrmtrm_nm      text,
    bfefrmtrm_dt      text,
    bfefrmtrm_amount  numeric,
    currency          text,
    week_start        date NOT NULL,
    first_seen_at     timestamptz NOT NULL DEFAULT now(),
    loaded_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (rcept_no, fs_div, sj_div, account_nm, ord)
);
CREATE INDEX financial_accounts_corp_idx ON dart_raw.financial_accounts (corp_code, bsns_year, reprt_code);
CREATE INDEX financial_accounts_week_idx ON dart_raw.financial_accounts (week_start);

-- Calls per key fingerprint per Asia/Seoul day (never the key itself).
CREATE TABLE dart_ops.api_quota_usage (
    key_id     text NOT NULL,
    usage_date date NOT NULL,
    calls      integer NOT NULL DEFAULT 0,
    exhausted  boolean NOT NULL DEFAULT false,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (key_id, usage_date)
);

-- Rows that failed validation, with the reason and the raw payload.
CREATE TABLE dart_ops.quarantine (
    id             bigserial PRIMARY KEY,
    asset_key      text NOT NULL,
    partition_key  text NOT NULL,
    record_key     text,
    reason         text NOT NULL,
    payload        jsonb NOT NULL,
    run_id         text,
    quarantined_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX quarantine_partition_idx ON dart_ops.quarantine (asset_key, partition_key);

-- One row per materialized partition: what DART said and what was stored.
CREATE TABLE dart_ops.partition_loads (
    asset_key     text NOT NULL,
    partition_key text NOT NULL,
    total_count   integer,
    fetched       integer NOT NULL DEFAULT 0,
    inserted      integer NOT NULL DEFAULT 0,
    updated       integer NOT NULL DEFAULT 0,
    quarantined   integer NOT NULL DEFAULT 0,
    api_calls     integer NOT NULL DEFAULT 0,
    retries       integer NOT NULL DEFAULT 0,
    duration_s    double precision,
    run_id        text,
    loaded_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (asset_key, partition_key)
);

-- Partitions that still failed after their retries; re-driven by a sensor or an operator.
CREATE TABLE dart_ops.dead_letters (
    id             bigserial PRIMARY KEY,
    job_name       text NOT NULL,
    asset_key      text,
    partition_key  text,
    run_id         text,
    error          text NOT NULL,
    attempts       integer NOT NULL DEFAULT 1,
    status         text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'redriving', 'resolved', 'abandoned')),
    failed_at      timestamptz NOT NULL DEFAULT now(),
    redriven_at    timestamptz,
    redrive_run_id text,
    resolved_at    timestamptz
);
CREATE UNIQUE INDEX dead_letters_open_uidx ON dart_ops.dead_letters (job_name, coalesce(partition_key, ''))
    WHERE status IN ('open', 'redriving');

-- Circuit breaker state, shared by every run.
CREATE TABLE dart_ops.circuit_breaker (
    name                 text PRIMARY KEY,
    state                text NOT NULL DEFAULT 'closed' CHECK (state IN ('closed', 'open', 'half_open')),
    consecutive_failures integer NOT NULL DEFAULT 0,
    opened_at            timestamptz,
    last_failure_at      timestamptz,
    last_error           text,
    updated_at           timestamptz NOT NULL DEFAULT now()
);

-- Alert incidents: one alert when opened, one recovery when resolved.
CREATE TABLE dart_ops.alert_incidents (
    incident_key text PRIMARY KEY,
    kind         text NOT NULL,
    status       text NOT NULL CHECK (status IN ('open', 'resolved')),
    summary      text NOT NULL,
    details      jsonb NOT NULL DEFAULT '{}'::jsonb,
    opened_at    timestamptz NOT NULL DEFAULT now(),
    resolved_at  timestamptz,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Operator actions: who, when, what.
CREATE TABLE dart_ops.audit_log (
    id      bigserial PRIMARY KEY,
    at      timestamptz NOT NULL DEFAULT now(),
    actor   text NOT NULL,
    action  text NOT NULL,
    target  text,
    details jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_at_idx ON dart_ops.audit_log (at);
"""

DOWNGRADE = """
DROP SCHEMA IF EXISTS dart_raw CASCADE;
DROP TABLE IF EXISTS dart_ops.api_quota_usage, dart_ops.quarantine, dart_ops.partition_loads,
    dart_ops.dead_letters, dart_ops.circuit_breaker, dart_ops.alert_incidents, dart_ops.audit_log;
"""


def upgrade() -> None:
    op.execute(UPGRADE)


def downgrade() -> None:
    op.execute(DOWNGRADE)
