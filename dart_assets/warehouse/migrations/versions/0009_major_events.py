"""dart_raw.major_events: DS005 material-event details (주요사항보고서 주요정보), one row per
filing and endpoint.

`details` is the list item exactly as DART sent it (every value a string: comma-grouped
amounts, "-" for empty, dates in DART's styles); dbt parses the numbers. The key is
(rcept_no, endpoint), not rcept_no alone: nothing in DART's API says one filing is answered by
one endpoint only. rcept_dt is the filing's date (its dart_raw.disclosures row, else the day
partition that fetched it).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE dart_raw.major_events (
            rcept_no      text NOT NULL CHECK (rcept_no ~ '^[0-9]{14}$'),
            endpoint      text NOT NULL CHECK (endpoint ~ '^[A-Za-z0-9]+$'),
            corp_code     text NOT NULL CHECK (corp_code ~ '^[0-9]{8}$'),
            rcept_dt      date NOT NULL,
            details       jsonb NOT NULL CHECK (jsonb_typeof(details) = 'object'),
            first_seen_at timestamptz NOT NULL DEFAULT now(),
            last_seen_at  timestamptz NOT NULL DEFAULT now(),
            loaded_at     timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (rcept_no, endpoint)
        );
        CREATE INDEX major_events_rcept_dt_idx ON dart_raw.major_events (rcept_dt);
        CREATE INDEX major_events_corp_code_idx ON dart_raw.major_events (corp_code, rcept_dt);
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE dart_raw.major_events")
