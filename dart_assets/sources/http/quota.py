"""Daily call budget per key, counted per Asia/Seoul day.

DART's quota (20,000 calls a key a day today, 10,000 in older guides) resets daily, so the
client keeps its own count and stops before DART says 020. With an engine the count lives in
`dart_ops.api_quota_usage`, shared by every process and run (collectors consult it before they
start); without one it is kept in memory for the life of the client. Keys are named by their
fingerprint only.
"""

from __future__ import annotations

import threading
from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from dart_assets.core.redaction import key_id
from dart_assets.core.settings import Settings
from dart_assets.warehouse.db import connection

SEOUL = ZoneInfo("Asia/Seoul")


def seoul_today() -> date:
    """The current date in Asia/Seoul: DART's day, whatever the machine's time zone."""
    return datetime.now(SEOUL).date()


class QuotaLedger(Protocol):
    budget: int

    def reserve(self, key_id: str) -> bool:
        """Count one call for the key today; False (and nothing counted) when its budget is spent."""

    def mark_exhausted(self, key_id: str) -> None:
        """Record that DART said 020 for the key today."""

    def remaining(self, key_id: str) -> int:
        """Calls the key may still make today (0 once DART declared it exhausted)."""

    def exhausted(self, key_id: str) -> bool:
        """Whether DART said 020 for the key today (in this process or, with PostgreSQL, any other)."""


def _check_budget(budget: int) -> int:
    if budget < 1:
        raise ValueError(f"daily_call_budget must be at least 1, got {budget!r}")
    return budget


class MemoryQuota:
    """The ledger of a client without a database: per process, per Seoul day."""

    def __init__(self, budget: int) -> None:
        self.budget = _check_budget(budget)
        self._calls: dict[tuple[str, date], int] = {}
        self._exhausted: set[tuple[str, date]] = set()
        self._lock = threading.Lock()

    def reserve(self, key_id: str) -> bool:
        slot = (key_id, seoul_today())
        with self._lock:
            if slot in self._exhausted or self._calls.get(slot, 0) >= self.budget:
                return False
            self._calls[slot] = self._calls.get(slot, 0) + 1
            return True

    def mark_exhausted(self, key_id: str) -> None:
        with self._lock:
            self._exhausted.add((key_id, seoul_today()))

    def remaining(self, key_id: str) -> int:
        slot = (key_id, seoul_today())
        if slot in self._exhausted:
            return 0
        return max(0, self.budget - self._calls.get(slot, 0))

    def exhausted(self, key_id: str) -> bool:
        return (key_id, seoul_today()) in self._exhausted


_RESERVE = sa.text(
    """
    INSERT INTO dart_ops.api_quota_usage AS q (key_id, usage_date, calls)
    VALUES (:key_id, :usage_date, 1)
    ON CONFLICT (key_id, usage_date) DO UPDATE
        SET calls = q.calls + 1, updated_at = now()
        WHERE q.calls < :budget AND NOT q.exhausted
    RETURNING calls
    """
)
_EXHAUST = sa.text(
    """
    INSERT INTO dart_ops.api_quota_usage AS q (key_id, usage_date, calls, exhausted)
    VALUES (:key_id, :usage_date, 0, true)
    ON CONFLICT (key_id, usage_date) DO UPDATE SET exhausted = true, updated_at = now()
    """
)
_USAGE = sa.text(
    "SELECT calls, exhausted FROM dart_ops.api_quota_usage WHERE key_id = :key_id AND usage_date = :usage_date"
)


class PostgresQuota:
    """The shared ledger in `dart_ops.api_quota_usage`; the increment is one atomic statement."""

    def __init__(self, engine: sa.Engine, budget: int) -> None:
        self.engine = engine
        self.budget = _check_budget(budget)

    def reserve(self, key_id: str) -> bool:
        with self.engine.begin() as conn:
            row = conn.execute(_RESERVE, {"key_id": key_id, "usage_date": seoul_today(), "budget": self.budget}).first()
        return row is not None

    def mark_exhausted(self, key_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(_EXHAUST, {"key_id": key_id, "usage_date": seoul_today()})

    def _usage(self, key_id: str) -> sa.Row | None:
        with self.engine.connect() as conn:
            return conn.execute(_USAGE, {"key_id": key_id, "usage_date": seoul_today()}).first()

    def remaining(self, key_id: str) -> int:
        row = self._usage(key_id)
        if row is None:
            return self.budget
        return 0 if row.exhausted else max(0, self.budget - row.calls)

    def exhausted(self, key_id: str) -> bool:
        row = self._usage(key_id)
        return bool(row and row.exhausted)


def quota_ledger(engine: sa.Engine | None, budget: int) -> QuotaLedger:
    """The ledger every run shares when there is a warehouse, else one for this process."""
    return PostgresQuota(engine, budget) if engine is not None else MemoryQuota(budget)


def quota_usage(db: sa.Engine | sa.Connection, day: date, *, market: bool = False) -> dict[str, dict[str, Any]]:
    """Calls and exhaustion per key fingerprint on one Asia/Seoul day: OpenDART keys, or with
    `market` the KRX/ECOS keys (ledger ids "KRX:<fingerprint>", "ECOS:<fingerprint>")."""
    query = sa.text(
        "SELECT key_id, calls, exhausted FROM dart_ops.api_quota_usage WHERE usage_date = :day "
        f"AND position(':' in key_id) {'>' if market else '='} 0"
    )
    with connection(db) as conn:
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
