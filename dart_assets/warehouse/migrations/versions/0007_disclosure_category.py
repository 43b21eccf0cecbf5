"""dart_raw.disclosures.pblntf_ty: the category DART filed each filing under.

list.json filters by category (A periodic, B major event, C issuance, D holdings, E other,
F external audit, G fund, H asset-backed, I exchange, J Fair Trade Commission) but does not
return it; the ingestion reads each day per category and stores it here, so that a filing no
title pattern knows still has a meaningful type. NULL for rows loaded before, or filed under
no category.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        ALTER TABLE dart_raw.disclosures
            ADD COLUMN pblntf_ty text CHECK (pblntf_ty IS NULL OR pblntf_ty ~ '^[A-J]$')
        """
    )


def downgrade() -> None:
    op.execute("ALTER TABLE dart_raw.disclosures DROP COLUMN pblntf_ty")
