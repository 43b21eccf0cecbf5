"""dart_ops.rate_limits and dart_ops.alert_outbox.

rate_limits: one request-rate ceiling per API shared by every process. A per-process limiter
lets two runs (or `dart-fg list` beside a run) together exceed DART's ~1,000 requests a minute
for one IP; the next free call slot per API lives here instead.

alert_outbox: every alert message, written in the transaction that opens or resolves its
incident (a crash between the two can no longer lose it) and delivered by its own sensor,
outside any transaction, within a time budget. It replaces alert_incidents.undelivered.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE dart_ops.rate_limits (
            name      text PRIMARY KEY,
            next_slot timestamptz NOT NULL DEFAULT '-infinity'
        )
        """
    )
    op.execute(
        """
        CREATE TABLE dart_ops.alert_outbox (
            id              bigserial PRIMARY KEY,
            incident_key    text NOT NULL,
            kind            text NOT NULL,
            status          text NOT NULL CHECK (status IN ('open', 'resolved')),
            summary         text NOT NULL,
            details         jsonb NOT NULL DEFAULT '{}'::jsonb,
            at              timestamptz NOT NULL,
            channel         text NOT NULL,
            attempts        integer NOT NULL DEFAULT 0,
            next_attempt_at timestamptz NOT NULL DEFAULT now(),
            claimed_until   timestamptz,
            delivered_at    timestamptz,
            dropped_reason  text,
            created_at      timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute(
        "CREATE INDEX alert_outbox_pending ON dart_ops.alert_outbox (next_attempt_at, id) "
        "WHERE delivered_at IS NULL AND dropped_reason IS NULL"
    )
    op.execute("ALTER TABLE dart_ops.alert_incidents DROP COLUMN undelivered")


def downgrade() -> None:
    op.execute("ALTER TABLE dart_ops.alert_incidents ADD COLUMN undelivered jsonb NOT NULL DEFAULT '[]'::jsonb")
    op.execute("DROP TABLE dart_ops.alert_outbox")
    op.execute("DROP TABLE dart_ops.rate_limits")
