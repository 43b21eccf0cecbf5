"""market_raw: the KRX Open API and ECOS tables behind the Fear & Greed market components.

One table per source endpoint, keyed by session `date` and the source's own identifiers; the
columns are described in dart_assets/sources/market/tables.py (this migration is a frozen copy of that
description at the time, as migrations must be).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_TABLES = [
    """
    CREATE TABLE market_raw.kospi_index (
        date date NOT NULL,
        idx_clss text,
        idx_nm text NOT NULL,
        clsprc_idx numeric,
        cmpprevdd_idx numeric,
        fluc_rt numeric,
        opnprc_idx numeric,
        hgprc_idx numeric,
        lwprc_idx numeric,
        acc_trdvol numeric,
        acc_trdval numeric,
        mktcap numeric,
        loaded_at timestamptz NOT NULL DEFAULT now(),
        run_id text,
        PRIMARY KEY (date, idx_nm)
    )
    """,
    """
    CREATE TABLE market_raw.derivative_indices (
        date date NOT NULL,
        idx_clss text NOT NULL,
        idx_nm text NOT NULL,
        clsprc_idx numeric,
        cmpprevdd_idx numeric,
        fluc_rt numeric,
        opnprc_idx numeric,
        hgprc_idx numeric,
        lwprc_idx numeric,
        loaded_at timestamptz NOT NULL DEFAULT now(),
        run_id text,
        PRIMARY KEY (date, idx_clss, idx_nm)
    )
    """,
    """
    CREATE TABLE market_raw.stock_trades (
        date date NOT NULL,
        isu_cd text NOT NULL,
        isu_nm text,
        mkt_nm text,
        sect_tp_nm text,
        tdd_clsprc numeric,
        cmpprevdd_prc numeric,
        fluc_rt numeric,
        tdd_opnprc numeric,
        tdd_hgprc numeric,
        tdd_lwprc numeric,
        acc_trdvol numeric,
        acc_trdval numeric,
        mktcap numeric,
        list_shrs numeric,
        loaded_at timestamptz NOT NULL DEFAULT now(),
        run_id text,
        PRIMARY KEY (date, isu_cd)
    )
    """,
    """
    CREATE TABLE market_raw.option_trades (
        date date NOT NULL,
        isu_cd text NOT NULL,
        isu_nm text,
        prod_nm text,
        rght_tp_nm text,
        tdd_clsprc numeric,
        cmpprevdd_prc numeric,
        tdd_opnprc numeric,
        tdd_hgprc numeric,
        tdd_lwprc numeric,
        imp_volt numeric,
        nxtdd_bas_prc numeric,
        acc_trdvol numeric,
        acc_trdval numeric,
        acc_opnint_qty numeric,
        loaded_at timestamptz NOT NULL DEFAULT now(),
        run_id text,
        PRIMARY KEY (date, isu_cd)
    )
    """,
    """
    CREATE TABLE market_raw.government_bonds (
        date date NOT NULL,
        mkt_nm text NOT NULL,
        isu_cd text NOT NULL,
        isu_nm text,
        bnd_exp_tp_nm text,
        govbnd_isu_tp_nm text,
        clsprc numeric,
        cmpprevdd_prc numeric,
        clsprc_yd numeric,
        opnprc numeric,
        opnprc_yd numeric,
        hgprc numeric,
        hgprc_yd numeric,
        lwprc numeric,
        lwprc_yd numeric,
        acc_trdvol numeric,
        acc_trdval numeric,
        loaded_at timestamptz NOT NULL DEFAULT now(),
        run_id text,
        PRIMARY KEY (date, mkt_nm, isu_cd)
    )
    """,
    """
    CREATE TABLE market_raw.bond_yields (
        date date NOT NULL,
        stat_code text NOT NULL,
        item_code text NOT NULL,
        item_name text,
        unit_name text,
        value numeric,
        loaded_at timestamptz NOT NULL DEFAULT now(),
        run_id text,
        PRIMARY KEY (date, stat_code, item_code)
    )
    """,
]


def upgrade() -> None:
    op.execute("CREATE SCHEMA IF NOT EXISTS market_raw")
    for ddl in _TABLES:
        op.execute(ddl)


def downgrade() -> None:
    op.execute("DROP SCHEMA market_raw CASCADE")
