"""Operator metrics from the warehouse, in Prometheus format: one collector for two exports.

`WarehouseCollector` reads the dart_ops tables at scrape time, in one read-only transaction
under a short statement timeout, through the read helpers that `dart-fg health` and the sensors
use (sources/loaders.py, sources/http/quota.py and calls.py, alerting/alerts.py,
recovery/dead_letters.py). The read API registers it beside its request metrics
(`/metrics`, api/metrics.py) and `dart-fg metrics --textfile PATH` writes it for
node_exporter's textfile collector, so both report the same numbers for the same state.

Keys are labelled by their fingerprint (`key_id`, as in dart_ops.api_quota_usage and the logs),
never by the key. When the tables cannot be read, the scrape still answers, with
`dart_fg_warehouse_up 0` and none of the warehouse families (absent rather than stale).

This module imports no Dagster: the API process loads it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from prometheus_client import CollectorRegistry, write_to_textfile
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from dart_assets.alerting.alerts import open_incident_counts
from dart_assets.core.redaction import key_id
from dart_assets.core.settings import Settings, SettingsError, get_settings
from dart_assets.recovery.dead_letters import dead_letter_counts
from dart_assets.sources.dart.breaker import BREAKER_NAME, breaker_states
from dart_assets.sources.http.calls import call_counts
from dart_assets.sources.http.quota import SEOUL, quota_left, quota_usage
from dart_assets.sources.loaders import last_loads, load_totals
from dart_assets.validation.quarantine import quarantined_rows

logger = logging.getLogger(__name__)

#: A scrape is a handful of small aggregate queries; one that takes longer than this is
#: cancelled (and the scrape answers dart_fg_warehouse_up 0) rather than piling up.
STATEMENT_TIMEOUT_MS = 2_000
BREAKER_STATES = ("closed", "open", "half_open")
DEAD_LETTER_STATES = ("open", "redriving", "abandoned")
MARKET_SERVICES = ("KRX", "ECOS")


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _settings_or_none(settings: Callable[[], Settings]) -> Settings | None:
    try:
        return settings()
    except SettingsError:  # budgets unknown: quota used is still reported
        return None


class WarehouseCollector(Collector):
    """The dart_ops state as metric families, read at every collect()."""

    def __init__(
        self,
        engine: sa.Engine | Callable[[], sa.Engine],
        *,
        settings: Callable[[], Settings] = get_settings,
        statement_timeout_ms: int = STATEMENT_TIMEOUT_MS,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._engine = engine
        self._settings = settings
        self.statement_timeout_ms = int(statement_timeout_ms)
        self._clock = clock

    def describe(self) -> list[Metric]:
        return []  # registering must not query the database

    def collect(self) -> Iterator[Metric]:
        started = time.perf_counter()
        up = GaugeMetricFamily("dart_fg_warehouse_up", "1 when the dart_ops tables were read at this scrape, else 0")
        try:
            families = self._read()
        except sa.exc.SQLAlchemyError as exc:  # unreachable, too slow, or not migrated
            logger.warning("metrics: warehouse not readable (%s)", type(exc).__name__)
            families = []
            up.add_metric([], 0)
        else:
            up.add_metric([], 1)
        yield from families
        yield up
        yield GaugeMetricFamily(
            "dart_fg_warehouse_scrape_duration_seconds",
            "Time spent reading the dart_ops tables for this scrape",
            value=time.perf_counter() - started,
        )

    def _read(self) -> list[Metric]:
        engine = self._engine if isinstance(self._engine, sa.Engine) else self._engine()
        now = self._clock()
        settings = _settings_or_none(self._settings)
        with engine.connect() as conn, conn.begin():
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")
            conn.exec_driver_sql(f"SET LOCAL statement_timeout = {self.statement_timeout_ms}")
            day = now.astimezone(SEOUL).date()
            state = {
                "calls": call_counts(conn),
                "quota": quota_usage(conn, day),
                "market_quota": quota_usage(conn, day, market=True),
                "breakers": breaker_states(conn),
                "last_loads": last_loads(conn),
                "totals": load_totals(conn),
                "quarantined": quarantined_rows(conn),
                "incidents": open_incident_counts(conn),
                "dead_letters": dead_letter_counts(conn),
            }
        return metric_families(state, settings, now)


def metric_families(state: dict[str, Any], settings: Settings | None, now: datetime) -> list[Metric]:
    """The metric families of one reading of the warehouse (pure: no database here)."""
    out: list[Metric] = []

    calls = CounterMetricFamily(
        "dart_fg_upstream_calls",
        "HTTP calls to OpenDART, KRX and ECOS (every attempt), by service, endpoint, status "
        "(DART's status, else http_<code>, else none) and error class (none when it succeeded)",
        labels=["service", "endpoint", "status", "error"],
    )
    seconds = CounterMetricFamily(
        "dart_fg_upstream_call_duration_seconds",
        "Total time spent in those calls",
        labels=["service", "endpoint", "status", "error"],
    )
    for row in state["calls"]:
        labels = [row["service"], row["endpoint"], row["status"], row["error"] or "none"]
        calls.add_metric(labels, row["calls"])
        seconds.add_metric(labels, row["latency_s"])
    out += [calls, seconds]

    out += _quota_families(state["quota"], state["market_quota"], settings)

    breaker = GaugeMetricFamily(
        "dart_fg_breaker_state",
        "1 for the circuit breaker's current state, 0 for the others",
        labels=["breaker", "state"],
    )
    failures = GaugeMetricFamily(
        "dart_fg_breaker_consecutive_failures", "Consecutive outage errors the breaker has counted", labels=["breaker"]
    )
    rows = {r["name"]: r for r in state["breakers"]}
    rows.setdefault(BREAKER_NAME, {"name": BREAKER_NAME, "state": "closed", "consecutive_failures": 0})
    for name, row in sorted(rows.items()):
        for value in BREAKER_STATES:
            breaker.add_metric([name, value], 1 if row["state"] == value else 0)
        failures.add_metric([name], row["consecutive_failures"])
    out += [breaker, failures]

    age = GaugeMetricFamily(
        "dart_fg_last_partition_age_seconds",
        "Seconds since the newest partition of the asset was loaded",
        labels=["asset"],
    )
    loaded_at = GaugeMetricFamily(
        "dart_fg_last_partition_loaded_timestamp_seconds",
        "When the newest partition of the asset was loaded (Unix time)",
        labels=["asset"],
    )
    for row in state["last_loads"]:
        age.add_metric([row["asset_key"]], max(0.0, (now - row["loaded_at"]).total_seconds()))
        loaded_at.add_metric([row["asset_key"]], row["loaded_at"].timestamp())
    out += [age, loaded_at]

    partitions = GaugeMetricFamily(
        "dart_fg_partitions_loaded", "Partitions of the asset in dart_ops.partition_loads", labels=["asset"]
    )
    fetched = GaugeMetricFamily(
        "dart_fg_rows_fetched",
        "Rows fetched from the source, over the asset's partitions as last loaded",
        labels=["asset"],
    )
    loaded = GaugeMetricFamily(
        "dart_fg_rows_loaded",
        "Rows inserted or updated, over the asset's partitions as last loaded "
        "(a re-load replaces its partition's count)",
        labels=["asset"],
    )
    quarantined = GaugeMetricFamily(
        "dart_fg_rows_quarantined", "Rows of the asset held in dart_ops.quarantine", labels=["asset"]
    )
    totals = {r["asset_key"]: r for r in state["totals"]}
    for asset in sorted(set(totals) | set(state["quarantined"])):
        row = totals.get(asset, {"partitions": 0, "fetched": 0, "inserted": 0, "updated": 0})
        partitions.add_metric([asset], row["partitions"])
        fetched.add_metric([asset], row["fetched"])
        loaded.add_metric([asset], row["inserted"] + row["updated"])
        quarantined.add_metric([asset], state["quarantined"].get(asset, 0))
    out += [partitions, fetched, loaded, quarantined]

    incidents = GaugeMetricFamily(
        "dart_fg_open_incidents", "Open alert incidents, by kind (0 for kinds that were open before)", labels=["kind"]
    )
    for kind, n in sorted(state["incidents"].items()):
        incidents.add_metric([kind], n)
    dead = GaugeMetricFamily("dart_fg_dead_letters", "Unresolved dead letters, by status", labels=["status"])
    for status in DEAD_LETTER_STATES:
        dead.add_metric([status], state["dead_letters"].get(status, 0))
    out += [incidents, dead]
    return out


def _quota_families(
    usage: dict[str, dict[str, Any]], market: dict[str, dict[str, Any]], settings: Settings | None
) -> list[Metric]:
    labels = ["service", "key"]
    used = GaugeMetricFamily(
        "dart_fg_quota_used_calls", "Calls counted against the key today (Asia/Seoul)", labels=labels
    )
    left = GaugeMetricFamily(
        "dart_fg_quota_left_calls", "Calls the key may still make today (0 once exhausted)", labels=labels
    )
    exhausted = GaugeMetricFamily(
        "dart_fg_quota_exhausted", "1 when the service declared the key's quota spent today", labels=labels
    )
    budget = GaugeMetricFamily("dart_fg_quota_budget_calls", "Daily call budget per key", labels=["service"])

    dart_left = quota_left(settings, usage) if settings else {}
    for kid in dict.fromkeys(list(dart_left) + list(usage)):
        row = usage.get(kid, {"calls": 0, "exhausted": False})
        used.add_metric(["dart", kid], row["calls"])
        exhausted.add_metric(["dart", kid], 1 if row["exhausted"] else 0)
        if kid in dart_left:
            left.add_metric(["dart", kid], dart_left[kid])
    if settings:
        budget.add_metric(["dart"], settings.daily_call_budget)

    configured: dict[str, str | None] = {
        "KRX": settings.krx_api_key if settings else None,
        "ECOS": settings.ecos_api_key if settings else None,
    }
    ledger = dict(market)
    for service, key in configured.items():
        if key:
            ledger.setdefault(f"{service}:{key_id(key)}", {"calls": 0, "exhausted": False})
    for ledger_id, row in ledger.items():
        service, _, kid = ledger_id.partition(":")
        labels_ = [service.lower(), kid]
        used.add_metric(labels_, row["calls"])
        exhausted.add_metric(labels_, 1 if row["exhausted"] else 0)
        if settings:
            cap = settings.market_daily_call_budget
            left.add_metric(labels_, 0 if row["exhausted"] else max(0, cap - row["calls"]))
    if settings:
        for service in MARKET_SERVICES:
            budget.add_metric([service.lower()], settings.market_daily_call_budget)
    return [used, left, exhausted, budget]


class _Reading(Collector):
    """Families read once, served as they are (a textfile is written from one reading)."""

    def __init__(self, families: list[Metric]) -> None:
        self.families = families

    def collect(self) -> Iterator[Metric]:
        return iter(self.families)


def read_once(engine: sa.Engine, **options: Any) -> CollectorRegistry:
    """A registry of its own holding one reading of the warehouse."""
    registry = CollectorRegistry()
    registry.register(_Reading(list(WarehouseCollector(engine, **options).collect())))
    return registry


def write_textfile(path: str | Path, engine: sa.Engine, **options: Any) -> bool:
    """Write the warehouse metrics for node_exporter's textfile collector (atomically: a
    temporary file renamed over `path`). Returns whether the warehouse was readable."""
    registry = read_once(engine, **options)
    write_to_textfile(str(path), registry)
    return registry.get_sample_value("dart_fg_warehouse_up") == 1
