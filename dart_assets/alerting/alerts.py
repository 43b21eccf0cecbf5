"""Incidents: one alert when a condition starts, silence while it lasts, one recovery when it ends.

The state lives in dart_ops.alert_incidents and the open/resolve transitions are single
conditional statements, so two sensor ticks (or two processes) racing on the same condition
still send exactly one message per transition.

Messages go through an outbox (dart_ops.alert_outbox): one row per channel, written in the
same transaction as the transition, so a crash right after it cannot lose the alert. The
`alert_outbox` sensor delivers them outside any transaction within a time budget, retrying a
channel that failed with backoff, so one unreachable webhook neither silences an alert nor
stalls the sensors that detect incidents.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from dart_assets.alerting.channels import Alert, Channel, LogChannel, build_channels, deliver
from dart_assets.alerting.config import CONFIG_ENV, load_ops_config
from dart_assets.core.redaction import redact_keys
from dart_assets.core.settings import SettingsError

log = logging.getLogger("dart_fg.alerts")

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
    return json.loads(redact_keys(json.dumps(details, default=str)))


def check_alert_config() -> list[Channel]:
    """The configured channels, or SettingsError naming the file and the entry that is wrong.

    The code location calls it when it loads and `dart-fg health` on every check, so a broken
    config shows where people look instead of only in the sensors' ticks.
    """
    try:
        return build_channels(load_ops_config().channels)
    except SettingsError as exc:
        message = str(exc)
        if CONFIG_ENV not in message:  # a channel entry: say where channels come from
            message += (
                f" ({CONFIG_ENV}={os.environ.get(CONFIG_ENV) or 'unset'}; channels from the "
                "DART_FG_ALERT_* variables are numbered after the file's)"
            )
        raise SettingsError(f"alert config invalid: {message}") from None


def channel_setup() -> tuple[list[Channel], str | None]:
    """The channels to use now and the config problem, if any (then the log channel alone).

    The config is read at every tick, so it can break after the code location loaded; raising
    here would fail every sensor on every tick and alert nobody. The log keeps the alerts.
    """
    try:
        return check_alert_config(), None
    except SettingsError as exc:
        log.error("%s; alerts go to the log only until it is fixed", exc)
        return [LogChannel()], str(exc)


def load_channels() -> list[Channel]:
    return channel_setup()[0]


def raise_incident(engine: sa.Engine, channels: list[Channel], key: str, kind: str, finding: Finding) -> bool:
    """Open the incident and alert, unless it is already open. Returns True when it alerted."""
    summary, details = redact_keys(finding.summary), _clean(finding.details)
    with engine.begin() as conn:
        opened = conn.execute(
            _OPEN, {"key": key, "kind": kind, "summary": summary, "details": json.dumps(details)}
        ).scalar()
        if opened is None:
            conn.execute(_TOUCH, {"key": key, "details": json.dumps(details)})
            return False
        # Re-opened before its recovery went out: that "resolved" is stale now, never send it.
        conn.execute(_DROP_STALE, {"key": key})
        _enqueue(conn, channels, Alert(key, kind, "open", summary, opened, details))
    return True


def clear_incident(engine: sa.Engine, channels: list[Channel], key: str, note: str = "") -> bool:
    """Resolve the incident and send the recovery, if it was open. Returns True when it sent."""
    with engine.begin() as conn:
        row = conn.execute(_RESOLVE, {"key": key}).mappings().first()
        if row is None:
            return False
        details = dict(row["details"] or {})
        if note:
            details["resolution"] = redact_keys(note)
        _enqueue(conn, channels, Alert(key, row["kind"], "resolved", row["summary"], row["resolved_at"], details))
    return True


_DROP_STALE = sa.text(
    "UPDATE dart_ops.alert_outbox SET dropped_reason = 'incident re-opened before delivery' "
    "WHERE incident_key = :key AND status = 'resolved' AND delivered_at IS NULL AND dropped_reason IS NULL"
)
_ENQUEUE = sa.text(
    "INSERT INTO dart_ops.alert_outbox (incident_key, kind, status, summary, details, at, channel) "
    "VALUES (:key, :kind, :status, :summary, CAST(:details AS jsonb), :at, :channel)"
)
# Claimed rows are invisible to other deliverers until the claim lapses (a crashed deliverer's
# rows come back), so two sensors never send one message twice.
_CLAIM = sa.text(
    """
    UPDATE dart_ops.alert_outbox SET claimed_until = now() + make_interval(secs => :claim_s)
     WHERE id IN (
        SELECT id FROM dart_ops.alert_outbox
         WHERE delivered_at IS NULL AND dropped_reason IS NULL AND next_attempt_at <= now()
           AND (claimed_until IS NULL OR claimed_until < now())
         ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED)
    RETURNING id, incident_key, kind, status, summary, details, at, channel, attempts
    """
)
_DELIVERED = sa.text("UPDATE dart_ops.alert_outbox SET delivered_at = now(), claimed_until = NULL WHERE id = :id")
_RETRY_LATER = sa.text(
    "UPDATE dart_ops.alert_outbox SET attempts = attempts + 1, claimed_until = NULL, "
    "next_attempt_at = now() + make_interval(secs => :backoff_s) WHERE id = :id"
)
_DROPPED = sa.text("UPDATE dart_ops.alert_outbox SET dropped_reason = :reason, claimed_until = NULL WHERE id = :id")
_RELEASE = sa.text("UPDATE dart_ops.alert_outbox SET claimed_until = NULL WHERE id = ANY(:ids)")
#: A failing channel is retried after 30 s, 1, 2, 4 ... minutes, at most hourly.
RETRY_BASE = timedelta(seconds=30)
RETRY_MAX = timedelta(hours=1)
DELIVERY_BUDGET_S = 20.0


def _enqueue(conn: sa.Connection, channels: list[Channel], alert: Alert) -> None:
    conn.execute(
        _ENQUEUE,
        [
            {
                "key": alert.incident_key,
                "kind": alert.kind,
                "status": alert.status,
                "summary": alert.summary,
                "details": json.dumps(alert.details, default=str),
                "at": alert.at,
                "channel": channel.name,
            }
            for channel in channels
        ],
    )


def deliver_outbox(
    engine: sa.Engine, channels: list[Channel], budget_s: float = DELIVERY_BUDGET_S, drop_unconfigured: bool = True
) -> tuple[int, int]:
    """Send the due messages, oldest first, until the budget is spent; (sent, failed).

    Each send happens outside any transaction; messages not reached in the budget are released
    for the next tick. A message for a channel no longer configured is dropped with the reason,
    unless `drop_unconfigured` is False (the config is broken, so "not configured" means "not
    readable now"): then it waits, claimed, for a later tick with the config fixed.
    """
    by_name = {c.name: c for c in channels}
    deadline = time.monotonic() + budget_s
    sent = failed = 0
    while time.monotonic() < deadline:
        with engine.begin() as conn:
            batch = conn.execute(_CLAIM, {"claim_s": budget_s + 60, "limit": 20}).mappings().all()
        if not batch:
            break
        for position, row in enumerate(sorted(batch, key=lambda r: r["id"])):
            if time.monotonic() >= deadline:
                with engine.begin() as conn:
                    conn.execute(_RELEASE, {"ids": [r["id"] for r in sorted(batch, key=lambda r: r["id"])[position:]]})
                return sent, failed
            channel = by_name.get(row["channel"])
            if channel is None and not drop_unconfigured:
                continue
            if channel is None:
                with engine.begin() as conn:
                    conn.execute(_DROPPED, {"id": row["id"], "reason": "channel no longer configured"})
                continue
            alert = Alert(
                row["incident_key"], row["kind"], row["status"], row["summary"], row["at"], dict(row["details"])
            )
            ok = not deliver([channel], alert)
            backoff = min(RETRY_MAX, RETRY_BASE * 2 ** row["attempts"]).total_seconds()
            with engine.begin() as conn:
                conn.execute(_DELIVERED if ok else _RETRY_LATER, {"id": row["id"], "backoff_s": backoff})
            sent, failed = sent + ok, failed + (not ok)
    return sent, failed


def open_incidents(engine: sa.Engine, kind: str) -> dict[str, dict[str, Any]]:
    """Open incidents of one kind: key -> the details they were last seen with."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT incident_key, details FROM dart_ops.alert_incidents WHERE kind = :kind AND status = 'open'"
            ),
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
    Keys in neither (not evaluated this tick) are left as they are. The messages wait in the
    outbox for the alert_outbox sensor. Returns (alerted, recovered).
    """
    alerted = [k for k, f in sorted(failing.items()) if raise_incident(engine, channels, k, kind, f)]
    recovered = [k for k in sorted(passing - set(failing)) if clear_incident(engine, channels, k)]
    return alerted, recovered


def utc_now() -> datetime:
    """The sensors' clock (one place, so tests can move it)."""
    return datetime.now(UTC)


def open_incident_counts(conn: sa.Connection) -> dict[str, int]:
    """Open incidents per kind, with 0 for every kind that was ever opened."""
    rows = conn.execute(
        sa.text("SELECT kind, count(*) FILTER (WHERE status = 'open') FROM dart_ops.alert_incidents GROUP BY kind")
    ).all()
    return {kind: int(n) for kind, n in rows}
