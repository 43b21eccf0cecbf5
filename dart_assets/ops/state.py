"""Read-only views of the operational state that sensors and `dart-fg health` share."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import sqlalchemy as sa

from dart_assets.sources.http.breaker import CircuitBreaker
from dart_assets.core.redaction import key_id
from dart_assets.core.settings import Settings

BREAKER_NAME = "dart_api"


@contextmanager
def _connection(db: sa.Engine | sa.Connection) -> Iterator[sa.Connection]:
    """A connection of its own from an engine, or the caller's (and its transaction) as given."""
    if isinstance(db, sa.Connection):
        yield db
    else:
        with db.connect() as conn:
            yield conn


def quota_usage(db: sa.Engine | sa.Connection, day: date, *, market: bool = False) -> dict[str, dict[str, Any]]:
    """Calls and exhaustion per key fingerprint on one Asia/Seoul day: OpenDART keys, or with
    `market` the KRX/ECOS keys (ledger ids "KRX:<fingerprint>", "ECOS:<fingerprint>")."""
    query = sa.text(
        "SELECT key_id, calls, exhausted FROM dart_ops.api_quota_usage WHERE usage_date = :day "
        f"AND position(':' in key_id) {'>' if market else '='} 0"
    )
    with _connection(db) as conn:
        rows = conn.execute(query, {"day": day}).mappings()
        return {r["key_id"]: {"calls": r["calls"], "exhausted": r["exhausted"]} for r in rows}


def quota_left(settings: Settings, usage: dict[str, dict[str, Any]]) -> dict[str, int]:
    """Calls left today per key fingerprint: configured keys (unused ones too) and any key seen today."""
    budget = settings.daily_call_budget
    configured = [key_id(k) for k in settings.api_keys]
    left = {}
    for k in dict.fromkeys(configured + list(usage)):
        row = usage.get(k)
        left[k] = budget if row is None else (0 if row["exhausted"] else max(0, budget - row["calls"]))
    return left


def quota_allows(settings: Settings, usage: dict[str, dict[str, Any]], ratio: float) -> bool:
    """True when some key still has more than (1 - ratio) of its daily budget: room for a re-drive."""
    left = quota_left(settings, usage)
    if not left:
        return True
    return any(calls > settings.daily_call_budget * (1 - ratio) for calls in left.values())


def breaker_status(engine: sa.Engine) -> dict[str, Any]:
    return CircuitBreaker(engine, name=BREAKER_NAME).status()


def breaker_states(conn: sa.Connection) -> list[dict[str, Any]]:
    """Every breaker's row, read only (a breaker that never tripped may have none: closed)."""
    return [
        dict(r)
        for r in conn.execute(
            sa.text("SELECT name, state, consecutive_failures, opened_at FROM dart_ops.circuit_breaker ORDER BY name")
        ).mappings()
    ]


def last_loads(conn: sa.Connection) -> list[dict[str, Any]]:
    """The newest load of each asset: asset_key, partition_key, loaded_at."""
    rows = conn.execute(
        sa.text(
            "SELECT DISTINCT ON (asset_key) asset_key, partition_key, loaded_at FROM dart_ops.partition_loads "
            "ORDER BY asset_key, loaded_at DESC"
        )
    ).mappings()
    return [dict(r) for r in rows]


def load_totals(conn: sa.Connection) -> list[dict[str, Any]]:
    """Per asset, over its partitions as last loaded: partitions, rows fetched, inserted, updated."""
    rows = conn.execute(
        sa.text(
            "SELECT asset_key, count(*) AS partitions, coalesce(sum(fetched), 0) AS fetched, "
            "coalesce(sum(inserted), 0) AS inserted, coalesce(sum(updated), 0) AS updated "
            "FROM dart_ops.partition_loads GROUP BY asset_key ORDER BY asset_key"
        )
    ).mappings()
    return [dict(r) for r in rows]


def quarantined_rows(conn: sa.Connection) -> dict[str, int]:
    """Rows held in dart_ops.quarantine, per asset."""
    rows = conn.execute(sa.text("SELECT asset_key, count(*) FROM dart_ops.quarantine GROUP BY asset_key")).all()
    return {asset: int(n) for asset, n in rows}


def dead_letter_counts(conn: sa.Connection) -> dict[str, int]:
    """Unresolved dead letters per status."""
    rows = conn.execute(
        sa.text("SELECT status, count(*) FROM dart_ops.dead_letters WHERE status <> 'resolved' GROUP BY status")
    ).all()
    return {status: int(n) for status, n in rows}


def open_incident_counts(conn: sa.Connection) -> dict[str, int]:
    """Open incidents per kind, with 0 for every kind that was ever opened."""
    rows = conn.execute(
        sa.text(
            "SELECT kind, count(*) FILTER (WHERE status = 'open') FROM dart_ops.alert_incidents GROUP BY kind"
        )
    ).all()
    return {kind: int(n) for kind, n in rows}
