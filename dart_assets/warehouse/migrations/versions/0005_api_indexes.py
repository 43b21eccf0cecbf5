"""Indexes for the sorts of the read API (keyset pagination needs the order in an index).

dart_raw.disclosures is listed newest first by (rcept_dt, rcept_no), optionally for one
corp_code. New indexes replace the existing ones whose columns they extend. Each dart_ops table is
listed newest first by its time column and a unique tie-breaker, optionally filtered by one of
two columns: one index for the order, one per filter column followed by the order. The indexes
on the dart_marts tables are declared in the dbt models (`indexes` config).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_INDEXES = {
    "disclosures_rcept_dt_no_idx": "dart_raw.disclosures (rcept_dt, rcept_no)",
    "disclosures_corp_dt_no_idx": "dart_raw.disclosures (corp_code, rcept_dt, rcept_no)",
    "quarantine_at_idx": "dart_ops.quarantine (quarantined_at, id)",
    "quarantine_asset_at_idx": "dart_ops.quarantine (asset_key, quarantined_at, id)",
    "quarantine_partition_at_idx": "dart_ops.quarantine (partition_key, quarantined_at, id)",
    "dead_letters_failed_at_idx": "dart_ops.dead_letters (failed_at, id)",
    "dead_letters_status_failed_at_idx": "dart_ops.dead_letters (status, failed_at, id)",
    "dead_letters_job_failed_at_idx": "dart_ops.dead_letters (job_name, failed_at, id)",
    "partition_loads_loaded_at_idx": "dart_ops.partition_loads (loaded_at, asset_key, partition_key)",
    "partition_loads_asset_loaded_at_idx": "dart_ops.partition_loads (asset_key, loaded_at, partition_key)",
    "partition_loads_partition_loaded_at_idx": "dart_ops.partition_loads (partition_key, loaded_at, asset_key)",
    "audit_log_at_id_idx": "dart_ops.audit_log (at, id)",
    "audit_log_action_at_idx": "dart_ops.audit_log (action, at, id)",
    "audit_log_actor_at_idx": "dart_ops.audit_log (actor, at, id)",
}
# Prefixes of indexes above: kept, they would only slow the writes down.
_REPLACED = {
    "disclosures_rcept_dt_idx": "dart_raw.disclosures (rcept_dt)",
    "disclosures_corp_code_idx": "dart_raw.disclosures (corp_code, rcept_dt)",
    "audit_log_at_idx": "dart_ops.audit_log (at)",
}


def upgrade() -> None:
    for name, target in _INDEXES.items():
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")
    for name in _REPLACED:
        schema = _REPLACED[name].split(".")[0]
        op.execute(f"DROP INDEX IF EXISTS {schema}.{name}")


def downgrade() -> None:
    for name, target in _REPLACED.items():
        op.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")
    for name, target in _INDEXES.items():
        schema = target.split(".")[0]
        op.execute(f"DROP INDEX IF EXISTS {schema}.{name}")
