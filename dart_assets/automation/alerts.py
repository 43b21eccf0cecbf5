"""Incidents: one alert when a condition starts, silence while it lasts, one recovery when it ends.

The state lives in dart_ops.alert_incidents and the open/resolve transitions are single
conditional statements, so two sensor ticks (or two processes) racing on the same condition
still send exactly one message per transition. A message a channel failed to take is kept in
`undelivered` and retried on later ticks, so a webhook that was down does not mean silence.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

from dart_assets.automation.channels import Alert, Channel, build_channels, deliver, redact
from dart_assets.automation.config import load_ops_config

_OPEN = sa.text(
    """
    INSERT INTO dart_ops.alert_incidents (incident_key, kind, status, summary, details)
    VALUES (:key, :kind, 'open', :summary, CAST(:details AS jsonb))
    ON CONFLICT (incident_key) DO UPDATE
        SET status = 'open', kind = EXCLUDED.kind, summary = EXCLUDED.summary,
            details = EXCLUDED.details, opened_at = now(), resolved_at = NULL, updated_at = now()
        WHERE dart_ops.alert_incidents.status = 'resolved'
    RETURNING opened_at
    """
)
_TOUCH = sa.text(
    "UPDATE dart_ops.alert_incidents SET details = CAST(:details AS jsonb), updated_at = now() "
    "WHERE incident_key = :key AND status = 'open'"
)
_RESOLVE = sa.text(
    """
    UPDATE dart_ops.alert_incidents
       SET status = 'resolved', resolved_at = now(), updated_at = now()
     WHERE incident_key = :key AND status = 'open'
    RETURNING kind, summary, details, resolved_at
    """
)


@dataclass(frozen=True)
class Finding:
    """A condition that is currently wrong, as a sensor sees it."""

    summary: str
    details: dict[str, Any] = field(default_factory=dict)


def _clean(details: dict[str, Any]) -> dict[str, Any]:
    return json.loads(redact(json.dumps(details, default=str)))


def load_channels() -> list[Channel]:
    return build_channels(load_ops_config().channels)


def raise_incident(
    engine: sa.Engine, channels: list[Channel], key: str, kind: str, finding: Finding
) -> bool:
    """Open the incident and alert, unless it is already open. Returns True when it alerted."""
    summary, details = redact(finding.summary), _clean(finding.details)
    with engine.begin() as conn:
        opened = conn.execute(
            _OPEN, {"key": key, "kind": kind, "summary": summary, "details": json.dumps(details)}
        ).scalar()
        if opened is None:
            conn.execute(_TOUCH, {"key": key, "details": json.dumps(details)})
    if opened is None:
        return False
    _send(engine, channels, Alert(key, kind, "open", summary, opened, details))
    return True


def clear_incident(engine: sa.Engine, channels: list[Channel], key: str, note: str = "") -> bool:
    """Resolve the incident and send the recovery, if it was open. Returns True when it sent."""
    with engine.begin() as conn:
        row = conn.execute(_RESOLVE, {"key": key}).mappings().first()
    if row is None:
        return False
    details = dict(row["details"] or {})
    if note:
        details["resolution"] = redact(note)
    _send(engine, channels, Alert(key, row["kind"], "resolved", row["summary"], row["resolved_at"], details))
    return True


def _send(engine: sa.Engine, channels: list[Channel], alert: Alert) -> None:
    failed = deliver(channels, alert)
    if failed:
        pending = [{"status": alert.status, "channel": name} for name in failed]
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "UPDATE dart_ops.alert_incidents SET undelivered = undelivered || CAST(:pending AS jsonb) "
                    "WHERE incident_key = :key"
                ),
                {"key": alert.incident_key, "pending": json.dumps(pending)},
            )


def redeliver(engine: sa.Engine, channels: list[Channel]) -> int:
    """Retry messages channels failed to take; returns how many went out now.

    Rows are locked while sending (SKIP LOCKED), so concurrent sensors never send one twice.
    """
    by_name = {c.name: c for c in channels}
    sent = 0
    with engine.begin() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT incident_key, kind, summary, details, opened_at, resolved_at, undelivered "
                "FROM dart_ops.alert_incidents WHERE undelivered <> '[]'::jsonb FOR UPDATE SKIP LOCKED"
            )
        ).mappings().all()
        for row in rows:
            remaining = []
            for item in row["undelivered"]:
                channel = by_name.get(item["channel"])
                if channel is None:  # no longer configured: nothing left to retry
                    continue
                at = row["resolved_at"] if item["status"] == "resolved" else row["opened_at"]
                alert = Alert(row["incident_key"], row["kind"], item["status"], row["summary"], at, dict(row["details"]))
                if deliver([channel], alert):
                    remaining.append(item)
                else:
                    sent += 1
            conn.execute(
                sa.text("UPDATE dart_ops.alert_incidents SET undelivered = CAST(:left AS jsonb) WHERE incident_key = :key"),
                {"key": row["incident_key"], "left": json.dumps(remaining)},
            )
    return sent


def open_incidents(engine: sa.Engine, kind: str) -> dict[str, dict[str, Any]]:
    """Open incidents of one kind: key -> the details they were last seen with."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT incident_key, details FROM dart_ops.alert_incidents WHERE kind = :kind AND status = 'open'"),
            {"kind": kind},
        )
        return {r[0]: dict(r[1] or {}) for r in rows}


def reconcile(
    engine: sa.Engine,
    channels: list[Channel],
    kind: str,
    failing: dict[str, Finding],
    passing: set[str],
) -> tuple[list[str], list[str]]:
    """Bring incidents of one kind in line with what a sensor observed.

    `failing` keys are opened (alerting once); `passing` keys are resolved (recovering once).
    Keys in neither (not evaluated this tick) are left as they are. Messages that failed
    earlier are retried first. Returns (alerted, recovered).
    """
    redeliver(engine, channels)
    alerted = [k for k, f in sorted(failing.items()) if raise_incident(engine, channels, k, kind, f)]
    recovered = [k for k in sorted(passing - set(failing)) if clear_incident(engine, channels, k)]
    return alerted, recovered


def utc_now() -> datetime:
    """The sensors' clock (one place, so tests can move it)."""
    return datetime.now(timezone.utc)
