"""Sensors whose last tick failed, read from the Dagster instance's tick records.

A sensor that raises fails every tick quietly: the daemon keeps beating and the UI shows red
only to someone who opens the sensor. `dart-fg health` reads the same records (one state per
sensor, its newest tick) so a monitor sees it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import dagster as dg
from dagster._core.scheduler.instigation import InstigatorType, TickStatus

from dart_assets.core.redaction import redact_keys

#: Every sensor here ticks at least every 5 minutes; a state whose newest tick is older than
#: this belongs to a sensor no longer in the code (Dagster keeps its state) or a stopped daemon,
#: which the heartbeat check reports.
TICK_WINDOW = timedelta(days=1)
# A tick's error quotes the exception, which may hold a webhook or database URL.
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://\S+")


def _error_text(tick: Any) -> str:
    """The root cause's first line (Dagster wraps it in "Error occurred during the execution of
    evaluation_fn"), without URLs or keys; the UI shows the whole traceback."""
    error = tick.error
    if error is None:
        return "no error recorded"
    while error.cause is not None:
        error = error.cause
    lines = (error.message or "").strip().splitlines()
    return _URL.sub("<url>", redact_keys(lines[0] if lines else error.cls_name or ""))[:300]


def failed_sensor_ticks(instance: dg.DagsterInstance, now: datetime) -> dict[str, dict[str, Any]]:
    """Running sensors whose newest tick failed: name -> when and the error's first line."""
    failed: dict[str, dict[str, Any]] = {}
    for state in instance.all_instigator_state(instigator_type=InstigatorType.SENSOR):
        if not state.is_running:
            continue
        ticks = instance.get_ticks(state.instigator_origin_id, state.selector_id, limit=1)
        if not ticks or ticks[0].status != TickStatus.FAILURE:
            continue
        at = datetime.fromtimestamp(ticks[0].timestamp, tz=UTC)
        if now - at <= TICK_WINDOW:
            failed[state.instigator_name] = {"at": at.isoformat(), "error": _error_text(ticks[0])}
    return failed
