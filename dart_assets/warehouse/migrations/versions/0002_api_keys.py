"""dart_ops.api_keys: keys of the read API, stored as hashes with their scopes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        """
        CREATE TABLE dart_ops.api_keys (
            id           bigserial PRIMARY KEY,
            name         text NOT NULL,
            key_hash     text NOT NULL UNIQUE,
            scopes       text[] NOT NULL CHECK (scopes <@ ARRAY['read', 'admin']::text[]),
            created_at   timestamptz NOT NULL DEFAULT now(),
            revoked_at   timestamptz,
            last_used_at timestamptz
        );
        """
    )


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS dart_ops.api_keys")
