"""Dead letters: job partitions that still failed after Dagster's run retries.

Lifecycle in dart_ops.dead_letters: `open` (recorded by the run-failure sensor) ->
`redriving` (a re-drive run was requested) -> `resolved` (a later run of the same job and
partition succeeded) or back to `open` when the re-drive failed too. `attempts` counts every
failed run (Dagster's run retries included); past MAX_ATTEMPTS a letter is `abandoned`: the
sensor stops, an operator decides (`dart-fg dead-letters redrive ID` re-opens it).

Partition ranges (single-run backfills) are stored as "start...end", Dagster's notation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG as RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG as RANGE_START_TAG,
    PARTITION_NAME_TAG as PARTITION_TAG,
)

from dart_assets.warehouse.audit import record_action

MAX_ATTEMPTS = 12
# After a failed re-drive the next one waits attempts x 15 minutes: outages get room to end.
REDRIVE_BACKOFF = timedelta(minutes=15)
# A letter whose re-drive run never reported back (cancelled, lost) becomes due again.
STALE_REDRIVE = timedelta(hours=6)
RANGE_SEPARATOR = "..."
DEAD_LETTER_TAG = "dart_fg/dead_letter_id"


@dataclass(frozen=True)
class DeadLetter:
    id: int
    job_name: str
    partition_key: str | None
    status: str
    attempts: int
    error: str


def run_incident_key(job_name: str, partition_key: str | None) -> str:
    """The alert incident of a failing job partition (opened with its dead letter)."""
    return f"run_failure:{job_name}:{partition_key or '-'}"


def abandoned_incident_key(letter_id: int) -> str:
    """The alert incident that asks an operator to decide about an abandoned letter."""
    return f"dead_letter_abandoned:{letter_id}"


def partition_of_tags(tags: Mapping[str, str]) -> str | None:
    """The partition (or "start...end" range) a run covered, from its Dagster tags."""
    if tags.get(PARTITION_TAG):
        return tags[PARTITION_TAG]
    if tags.get(RANGE_START_TAG) and tags.get(RANGE_END_TAG):
        return f"{tags[RANGE_START_TAG]}{RANGE_SEPARATOR}{tags[RANGE_END_TAG]}"
    return None


def tags_for_partition(partition_key: str | None) -> dict[str, str]:
    """Run tags that make a re-drive cover exactly what the failed run covered."""
    if not partition_key:
        return {}
    if RANGE_SEPARATOR in partition_key:
        start, end = partition_key.split(RANGE_SEPARATOR, 1)
        return {RANGE_START_TAG: start, RANGE_END_TAG: end}
    return {PARTITION_TAG: partition_key}


def record_dead_letter(
    engine: sa.Engine,
    job_name: str,
    partition_key: str | None,
    run_id: str,
    error: str,
    attempts: int = 1,
    asset_key: str | None = None,
) -> DeadLetter:
    """Record a final failure; a letter already open for the job and partition adds this run's
    attempts (once: seeing the same run again changes nothing but the error text)."""
    with engine.begin() as conn:
        row = (
            conn.execute(
                sa.text(
                    """
                INSERT INTO dart_ops.dead_letters (job_name, asset_key, partition_key, run_id, error, attempts, status)
                VALUES (:job, :asset, :partition, :run_id, :error, :attempts,
                        CASE WHEN :attempts > :max_attempts THEN 'abandoned' ELSE 'open' END)
                ON CONFLICT (job_name, coalesce(partition_key, '')) WHERE status IN ('open', 'redriving')
                DO UPDATE SET run_id = EXCLUDED.run_id, error = EXCLUDED.error, failed_at = now(),
                    asset_key = coalesce(EXCLUDED.asset_key, dart_ops.dead_letters.asset_key),
                    attempts = dart_ops.dead_letters.attempts
                        + CASE WHEN dart_ops.dead_letters.run_id = EXCLUDED.run_id THEN 0 ELSE EXCLUDED.attempts END,
                    status = CASE WHEN dart_ops.dead_letters.attempts
                                  + CASE WHEN dart_ops.dead_letters.run_id = EXCLUDED.run_id THEN 0
                                         ELSE EXCLUDED.attempts END > :max_attempts
                                  THEN 'abandoned' ELSE 'open' END
                RETURNING id, job_name, partition_key, status, attempts, error
                """
                ),
                {
                    "job": job_name,
                    "asset": asset_key,
                    "partition": partition_key,
                    "run_id": run_id,
                    "error": error[:4000],
                    "attempts": attempts,
                    "max_attempts": MAX_ATTEMPTS,
                },
            )
            .mappings()
            .one()
        )
    return DeadLetter(**row)


def list_dead_letters(engine: sa.Engine, include_all: bool = False) -> list[dict[str, Any]]:
    """Open, re-driving and abandoned letters (everything with include_all), oldest first."""
    where = "" if include_all else "WHERE status IN ('open', 'redriving', 'abandoned')"
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT id, job_name, asset_key, partition_key, status, attempts, error, run_id, failed_at, "
                f"redriven_at, redrive_run_id, resolved_at FROM dart_ops.dead_letters {where} ORDER BY id"
            )
        )
        return [dict(r) for r in rows.mappings()]


def due_for_redrive(engine: sa.Engine, job_name: str, limit: int = 5) -> list[DeadLetter]:
    """Open letters of a job whose back-off has passed (and re-drives that never reported back)."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                """
                SELECT id, job_name, partition_key, status, attempts, error FROM dart_ops.dead_letters
                 WHERE job_name = :job AND (
                       (status = 'open' AND (redriven_at IS NULL
                            OR redriven_at < now() - :backoff * attempts))
                    OR (status = 'redriving' AND redriven_at < now() - :stale))
                 ORDER BY failed_at LIMIT :limit
                """
            ),
            {"job": job_name, "backoff": REDRIVE_BACKOFF, "stale": STALE_REDRIVE, "limit": limit},
        ).mappings()
        return [DeadLetter(**r) for r in rows]


def mark_redriving(engine: sa.Engine, letter_id: int, run_key: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE dart_ops.dead_letters SET status = 'redriving', redriven_at = now(), "
                "redrive_run_id = :run_key WHERE id = :id"
            ),
            {"id": letter_id, "run_key": run_key},
        )


def partition_bounds(partition_key: str) -> tuple[str, str]:
    """(first, last) partition of a key or a "start...end" range."""
    start, _, end = partition_key.partition(RANGE_SEPARATOR)
    return start, end or start


# A letter's own first and last partition, read from its key (one stored value, no second copy
# to keep in step). Partition keys are ISO dates, whose text order is their date order.
_LETTER_START = f"split_part(partition_key, '{RANGE_SEPARATOR}', 1)"
_LETTER_END = f"coalesce(nullif(split_part(partition_key, '{RANGE_SEPARATOR}', 2), ''), partition_key)"


def resolve_for_run(
    engine: sa.Engine, job_name: str, partition_key: str | None, run_id: str
) -> list[tuple[int, str | None]]:
    """A successful run settles the letters it covers entirely: the same partition, or a
    partition or range that lies wholly inside the run's range (a run of January does not settle
    a letter for 20 January to 10 February). Returns (id, partition_key) of each letter resolved."""
    if partition_key:
        start, end = partition_bounds(partition_key)
        cover = f"partition_key IS NOT NULL AND {_LETTER_START} >= :start AND {_LETTER_END} <= :end"
        params = {"start": start, "end": end}
    else:
        cover = "partition_key IS NULL"
        params = {}
    with engine.begin() as conn:
        rows = conn.execute(
            sa.text(
                "UPDATE dart_ops.dead_letters SET status = 'resolved', resolved_at = now(), "
                "redrive_run_id = coalesce(redrive_run_id, :run_id) "
                f"WHERE job_name = :job AND status IN ('open', 'redriving', 'abandoned') AND {cover} "
                "RETURNING id, partition_key"
            ),
            {"job": job_name, "partition": partition_key, "run_id": run_id, **params},
        )
        return sorted((r[0], r[1]) for r in rows)


def reopen_canceled(engine: sa.Engine, letter_id: int) -> bool:
    """A re-drive run was cancelled: the letter is open again (due after its back-off), instead of
    waiting as `redriving` for a run that will never report. True when a letter was re-opened."""
    with engine.begin() as conn:
        row = conn.execute(
            sa.text(
                "UPDATE dart_ops.dead_letters SET status = 'open' WHERE id = :id AND status = 'redriving' RETURNING id"
            ),
            {"id": letter_id},
        ).first()
    return row is not None


def request_redrive(engine: sa.Engine, ids: list[int] | None, actor: str) -> list[int]:
    """Operator re-drive: make letters due now (the sensor launches them, gated by breaker and quota).

    ids=None means every open or abandoned letter. Each re-opened letter is audited.
    """
    selector = "status IN ('open', 'abandoned')" + ("" if ids is None else " AND id = ANY(:ids)")
    with engine.begin() as conn:
        reopened = (
            conn.execute(
                sa.text(
                    f"UPDATE dart_ops.dead_letters SET status = 'open', redriven_at = NULL WHERE {selector} "
                    "RETURNING id, job_name, partition_key"
                ),
                {"ids": ids or []},
            )
            .mappings()
            .all()
        )
        for row in reopened:
            record_action(
                conn,
                actor,
                "dead_letter.redrive",
                f"dead_letter:{row['id']}",
                {"job_name": row["job_name"], "partition_key": row["partition_key"]},
            )
    return sorted(r["id"] for r in reopened)


def resolve_manually(engine: sa.Engine, ids: list[int], actor: str, note: str) -> list[tuple[int, str, str | None]]:
    """Operator decision that a letter needs no re-drive (e.g. the partition was fixed by hand).

    Returns (id, job_name, partition_key) of the letters resolved now, so that the caller can
    clear their incidents: an incident left open would swallow the alert of the next failure.
    """
    with engine.begin() as conn:
        rows = (
            conn.execute(
                sa.text(
                    "UPDATE dart_ops.dead_letters SET status = 'resolved', resolved_at = now() "
                    "WHERE id = ANY(:ids) AND status <> 'resolved' RETURNING id, job_name, partition_key"
                ),
                {"ids": ids},
            )
            .mappings()
            .all()
        )
        for row in rows:
            record_action(
                conn,
                actor,
                "dead_letter.resolve",
                f"dead_letter:{row['id']}",
                {"job_name": row["job_name"], "partition_key": row["partition_key"], "note": note},
            )
    return sorted((r["id"], r["job_name"], r["partition_key"]) for r in rows)


def dead_letter_counts(conn: sa.Connection) -> dict[str, int]:
    """Unresolved dead letters per status."""
    rows = conn.execute(
        sa.text("SELECT status, count(*) FROM dart_ops.dead_letters WHERE status <> 'resolved' GROUP BY status")
    ).all()
    return {status: int(n) for status, n in rows}
