"""Read-only views of the operational state that sensors and `dart-fg health` share."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from dart_assets.dart.breaker import CircuitBreaker
from dart_assets.dart.redaction import key_id
from dart_assets.settings import Settings

BREAKER_NAME = "dart_api"


def quota_usage(engine: sa.Engine, day: date, *, market: bool = False) -> dict[str, dict[str, Any]]:
    """Calls and exhaustion per key fingerprint on one Asia/Seoul day: OpenDART keys, or with
    `market` the KRX/ECOS keys (ledger ids "KRX:<fingerprint>", "ECOS:<fingerprint>")."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT key_id, calls, exhausted FROM dart_ops.api_quota_usage WHERE usage_date = :day "
                f"AND position(':' in key_id) {'>' if market else '='} 0"
            ),
            {"day": day},
        ).mappings()
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
