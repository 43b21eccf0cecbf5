"""dart_ops.upstream_calls: calls made to OpenDART, KRX and ECOS, per endpoint and outcome.

The clients keep their call records in memory for run metadata, which no monitor can read
between runs. Each attempt now also adds one to a cumulative counter row here, shared by every
process, so `/metrics` and `dart-fg metrics` report calls per service, endpoint and status
(Prometheus counters: the rows only grow). Rows are few (endpoints x statuses), so the table
needs no retention.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE dart_ops.upstream_calls (
            service    text NOT NULL,
            endpoint   text NOT NULL,
            status     text NOT NULL,
            error      text NOT NULL DEFAULT '',
            calls      bigint NOT NULL DEFAULT 0,
            latency_s  double precision NOT NULL DEFAULT 0,
            updated_at timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (service, endpoint, status, error)
        )
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE dart_ops.upstream_calls")
