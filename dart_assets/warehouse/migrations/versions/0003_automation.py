"""dart_ops.alert_incidents.undelivered: alert messages a channel failed to take, retried later.

Without it an incident whose only channel was down when it opened would stay silent: the
incident is open, so it never alerts again.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE dart_ops.alert_incidents ADD COLUMN undelivered jsonb NOT NULL DEFAULT '[]'::jsonb")


def downgrade() -> None:
    op.execute("ALTER TABLE dart_ops.alert_incidents DROP COLUMN undelivered")
