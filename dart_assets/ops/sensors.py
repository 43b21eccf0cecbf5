"""The operator-audit sensor: actions taken outside dart-fg (whose commands audit themselves)."""

from __future__ import annotations

from datetime import UTC, datetime

import dagster as dg
import sqlalchemy as sa

from dart_assets.core.redaction import key_id
from dart_assets.core.settings import Settings, get_settings
from dart_assets.warehouse.audit import record_action
from dart_assets.warehouse.db import get_engine

RUNNING = dg.DefaultSensorStatus.RUNNING


# ---------------------------------------------------------------------------------------------
# Audit of operator actions that happen outside dart-fg (whose commands audit themselves):
# backfills launched from the Dagster UI or CLI, and DART key rotations.


def backfill_details(backfill) -> dict:
    """What a backfill covers, for the audit log: assets (or job) and its partition range."""
    if backfill.asset_backfill_data is not None:
        subset = backfill.asset_backfill_data.target_subset
        targets = sorted(k.to_user_string() for k in subset.asset_keys)
        partitions = sorted({ap.partition_key for ap in subset.iterate_asset_partitions() if ap.partition_key})
    else:
        targets = [backfill.job_name] if backfill.job_name else []
        partitions = sorted(backfill.partition_names or [])
    return {
        "targets": targets,
        "partitions": len(partitions),
        "first_partition": partitions[0] if partitions else None,
        "last_partition": partitions[-1] if partitions else None,
        "title": backfill.title,
        "launched_at": datetime.fromtimestamp(backfill.backfill_timestamp, tz=UTC).isoformat(),
    }


def audit_new_backfills(engine: sa.Engine, instance: dg.DagsterInstance, limit: int = 50) -> list[str]:
    """Record each backfill not audited yet; returns their ids. Dagster OSS keeps no user name,
    so the actor is the `dagster/user` tag when a launcher sets one, else "dagster"."""
    backfills = instance.get_backfills(limit=limit)
    targets = [f"backfill:{b.backfill_id}" for b in backfills]
    with engine.begin() as conn:
        seen = set(
            conn.execute(
                sa.text(
                    "SELECT target FROM dart_ops.audit_log WHERE action = 'backfill.launched' AND target = ANY(:t)"
                ),
                {"t": targets},
            ).scalars()
        )
        new = [b for b, target in zip(backfills, targets, strict=True) if target not in seen]
        for backfill in reversed(new):  # oldest first, so the log reads in launch order
            actor = backfill.tags.get("dagster/user") or "dagster"
            record_action(
                conn, actor, "backfill.launched", f"backfill:{backfill.backfill_id}", backfill_details(backfill)
            )
    return [b.backfill_id for b in new]


def audit_key_changes(engine: sa.Engine, settings: Settings) -> dict | None:
    """Record a change of the configured DART keys (by fingerprint: never the keys).

    Rotation is an edit of DART_API_KEYS plus a restart, so the change is observed here, where
    the code location runs with the deployment's environment; the first observation is logged
    too (everything "added"). Returns the recorded details, or None when nothing changed.
    """
    current = sorted({key_id(k) for k in settings.api_keys})
    with engine.begin() as conn:
        last = conn.execute(
            sa.text("SELECT details FROM dart_ops.audit_log WHERE action = 'api_keys.changed' ORDER BY id DESC LIMIT 1")
        ).scalar()
        previous = last["fingerprints"] if last else []
        if last is not None and previous == current:
            return None
        details = {
            "fingerprints": current,
            "added": sorted(set(current) - set(previous)),
            "removed": sorted(set(previous) - set(current)),
        }
        record_action(conn, "deployment config", "api_keys.changed", "DART_API_KEYS", details)
    return details


@dg.sensor(name="operator_audit", minimum_interval_seconds=60, default_status=RUNNING)
def operator_audit(context: dg.SensorEvaluationContext) -> dg.SkipReason:
    """Backfills launched in Dagster and DART key rotations, into dart_ops.audit_log."""
    engine = get_engine()
    audited = audit_new_backfills(engine, context.instance)
    keys = audit_key_changes(engine, get_settings())
    return dg.SkipReason(f"audited backfills {audited}; key change {keys}")


OPS_SENSORS = [operator_audit]
