"""Each alert path end to end: a real Dagster run or state change, the sensor, real PostgreSQL,
and real receivers (HTTP webhook, SMTP) on 127.0.0.1. Every incident must produce exactly one
alert and one recovery on every channel, however often the sensor ticks."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import dagster as dg
import pytest
import sqlalchemy as sa
from dagster._core.storage.tags import WILL_RETRY_TAG

from dart_assets.alerting import sensors
from dart_assets.core.partitions import DAILY_PARTITIONS
from dart_assets.recovery import sensors as recovery_sensors
from dart_assets.recovery.dead_letters import list_dead_letters
from dart_assets.scheduling.schedules import seoul_date

PARTITION = "2026-11-20"
ONCE = {"slack": ["open", "resolved"], "json": ["open", "resolved"], "email": ["open", "resolved"]}
OPEN_ONLY = {"slack": ["open"], "json": ["open"], "email": ["open"]}


def _status_context(instance: dg.DagsterInstance, run_id: str, event_type: dg.DagsterEventType, name: str):
    record = instance.get_records_for_run(run_id, of_type=event_type).records[-1]
    return dg.build_run_status_sensor_context(
        sensor_name=name,
        dagster_event=record.event_log_entry.dagster_event,
        dagster_instance=instance,
        dagster_run=instance.get_run_by_id(run_id),
    )


def _fail(instance, run_id):
    context = _status_context(instance, run_id, dg.DagsterEventType.RUN_FAILURE, "run_failure_alerts")
    recovery_sensors.run_failure_alerts(context.for_run_failure())


def _succeed(instance, run_id):
    context = _status_context(instance, run_id, dg.DagsterEventType.RUN_SUCCESS, "run_success_settles_dead_letters")
    recovery_sensors.run_success_settles_dead_letters(context)


def _clock(monkeypatch: pytest.MonkeyPatch, when: datetime) -> None:
    monkeypatch.setattr(sensors, "utc_now", lambda: when)


def test_failing_run_one_alert_one_recovery_and_a_dead_letter(alert_env, engine) -> None:
    from dart_assets.core.settings import get_settings

    key = get_settings().api_keys[0]
    broken = {"yes": True}

    @dg.asset(partitions_def=DAILY_PARTITIONS)
    def flaky() -> None:
        if broken["yes"]:
            raise RuntimeError(f"DART unavailable for list.json?crtfc_key={key}&bgn_de=20261120")

    incident = f"run_failure:__ephemeral_asset_job__:{PARTITION}"
    with dg.instance_for_test(overrides={"run_retries": {"enabled": True, "max_retries": 1}}) as instance:
        first = dg.materialize([flaky], instance=instance, partition_key=PARTITION, raise_on_error=False)
        assert not first.success
        assert instance.get_run_by_id(first.run_id).tags[WILL_RETRY_TAG] == "true"
        _fail(instance, first.run_id)  # Dagster will retry: no dead letter, no alert yet
        assert list_dead_letters(engine) == []
        assert alert_env.statuses(incident) == {"slack": [], "json": [], "email": []}

        # The daemon's retry, as it would tag it; its retry budget is spent (max_retries 0 left).
        retry_tags = {"dagster/parent_run_id": first.run_id, "dagster/retry_number": "1", "dagster/max_retries": "0"}
        retry = dg.materialize(
            [flaky], instance=instance, partition_key=PARTITION, raise_on_error=False, tags=retry_tags
        )
        assert instance.get_run_by_id(retry.run_id).tags[WILL_RETRY_TAG] == "false"
        _fail(instance, retry.run_id)  # retries spent: dead letter + alert
        _fail(instance, retry.run_id)  # the same failure seen again: no second alert
        [letter] = list_dead_letters(engine)
        assert (letter["partition_key"], letter["status"], letter["attempts"]) == (PARTITION, "open", 2)
        assert "DART unavailable" in letter["error"] and key not in letter["error"]
        assert alert_env.statuses(incident) == OPEN_ONLY

        broken["yes"] = False
        fixed = dg.materialize([flaky], instance=instance, partition_key=PARTITION)
        _succeed(instance, fixed.run_id)
        _succeed(instance, fixed.run_id)

    assert alert_env.statuses(incident) == ONCE
    assert list_dead_letters(engine) == []
    [resolved] = list_dead_letters(engine, include_all=True)
    assert resolved["status"] == "resolved"
    everything = json.dumps(alert_env.webhook.bodies) + "".join(m.get_content() for m in alert_env.smtp.messages)
    assert key not in everything
    assert "crtfc_key=***" in everything


def test_stale_asset_one_alert_one_recovery(alert_env, monkeypatch) -> None:
    @dg.asset(
        key=["dart_marts", "probe"], freshness_policy=dg.FreshnessPolicy.time_window(fail_window=timedelta(hours=1))
    )
    def probe() -> int:
        return 1

    defs = dg.Definitions(assets=[probe])
    incident = "freshness:dart_marts/probe"
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(instance=instance, definitions=defs)
        sensors.freshness_alerts(context)  # never materialized: unknown, no alert
        dg.materialize([probe], instance=instance)
        now = datetime.now(UTC)
        _clock(monkeypatch, now + timedelta(minutes=30))
        sensors.freshness_alerts(context)
        assert alert_env.statuses(incident)["slack"] == []
        _clock(monkeypatch, now + timedelta(hours=2))
        for _ in range(3):
            sensors.freshness_alerts(context)
        assert alert_env.statuses(incident) == OPEN_ONLY
        dg.materialize([probe], instance=instance)
        _clock(monkeypatch, datetime.now(UTC) + timedelta(minutes=5))
        sensors.freshness_alerts(context)
        sensors.freshness_alerts(context)
    assert alert_env.statuses(incident) == ONCE


def test_quota_at_80_percent_one_alert_one_recovery_at_reset(alert_env, engine, monkeypatch) -> None:
    now = datetime.now(UTC)
    today = seoul_date(now)
    incident = "quota:0123456789ab"

    def use(calls: int) -> None:
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO dart_ops.api_quota_usage (key_id, usage_date, calls) VALUES ('0123456789ab', :d, :c) "
                    "ON CONFLICT (key_id, usage_date) DO UPDATE SET calls = EXCLUDED.calls"
                ),
                {"d": today, "c": calls},
            )

    context = dg.build_sensor_context()
    _clock(monkeypatch, now)
    use(7_999)  # 79.99% of the default 10,000
    sensors.quota_alerts(context)
    assert alert_env.statuses(incident)["slack"] == []
    use(8_000)
    sensors.quota_alerts(context)
    use(9_500)
    sensors.quota_alerts(context)
    assert alert_env.statuses(incident) == OPEN_ONLY
    _clock(monkeypatch, now + timedelta(days=1))  # the Asia/Seoul day turns: the budget resets
    sensors.quota_alerts(context)
    sensors.quota_alerts(context)
    assert alert_env.statuses(incident) == ONCE
    [body] = [b for b in alert_env.webhook.by_path("/slack") if b["status"] == "open"]
    assert "80%" in body["text"] and body["details"]["calls"] == 8_000


def test_failed_asset_check_one_alert_one_recovery(alert_env) -> None:
    state = {"ok": False}

    @dg.asset(
        key=["dart_raw", "probe"],
        check_specs=[dg.AssetCheckSpec("no_duplicates", asset=["dart_raw", "probe"], blocking=True)],
    )
    def probe():
        yield dg.Output(1)
        yield dg.AssetCheckResult(check_name="no_duplicates", passed=state["ok"], description="duplicate rcept_no")

    defs = dg.Definitions(assets=[probe])
    incident = "check:dart_raw/probe:no_duplicates"
    with dg.instance_for_test() as instance:
        context = dg.build_sensor_context(instance=instance, definitions=defs)
        dg.materialize([probe], instance=instance, raise_on_error=False)
        sensors.asset_check_alerts(context)
        sensors.asset_check_alerts(context)
        assert alert_env.statuses(incident) == OPEN_ONLY
        [body] = [b for b in alert_env.webhook.by_path("/json") if b["incident_key"] == incident]
        assert body["details"]["blocking"] is True
        state["ok"] = True
        dg.materialize([probe], instance=instance)
        sensors.asset_check_alerts(context)
        sensors.asset_check_alerts(context)
    assert alert_env.statuses(incident) == ONCE


def test_incomplete_partitions_one_alert_per_asset_one_recovery(alert_env, engine) -> None:
    def load(partition: str, fetched: int, days_ago: int = 0) -> None:
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO dart_ops.partition_loads (asset_key, partition_key, total_count, fetched, loaded_at) "
                    "VALUES ('dart_raw/disclosures', :p, 120, :f, now() - make_interval(days => :d)) "
                    "ON CONFLICT (asset_key, partition_key) "
                    "DO UPDATE SET fetched = EXCLUDED.fetched, loaded_at = EXCLUDED.loaded_at"
                ),
                {"p": partition, "f": fetched, "d": days_ago},
            )

    incident = "completeness:dart_raw/disclosures"
    context = dg.build_sensor_context()
    for day in ("2026-11-18", "2026-11-19", "2026-11-20"):  # a backfill that came back short
        load(day, 100)
    load("2026-11-17", 120)
    sensors.completeness_alerts(context)
    sensors.completeness_alerts(context)
    assert alert_env.statuses(incident) == OPEN_ONLY
    [body] = [b for b in alert_env.webhook.by_path("/json") if b["incident_key"] == incident]
    assert body["details"]["partitions"] == ["2026-11-18", "2026-11-19", "2026-11-20"]

    load("2026-11-18", 120)
    load("2026-11-19", 120)
    load("2026-11-20", 100, days_ago=30)  # long past the look-back: still tracked by the incident
    sensors.completeness_alerts(context)
    assert alert_env.statuses(incident) == OPEN_ONLY
    load("2026-11-20", 120)
    sensors.completeness_alerts(context)
    sensors.completeness_alerts(context)
    assert alert_env.statuses(incident) == ONCE


def test_a_channel_that_was_down_gets_the_alert_later_exactly_once(alert_env, engine, monkeypatch) -> None:
    from dart_assets.core.settings import get_settings

    incident = "completeness:dart_raw/disclosures"
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO dart_ops.partition_loads (asset_key, partition_key, total_count, fetched) "
                "VALUES ('dart_raw/disclosures', :p, 120, 60)"
            ),
            {"p": PARTITION},
        )
    live = alert_env.webhook.url
    monkeypatch.setenv("DART_FG_ALERT_WEBHOOK_URL", "http://127.0.0.1:9/slack")  # nothing listens there
    get_settings.cache_clear()
    context = dg.build_sensor_context()
    sensors.completeness_alerts(context)
    assert alert_env.statuses(incident) == {"slack": [], "json": ["open"], "email": ["open"]}

    monkeypatch.setenv("DART_FG_ALERT_WEBHOOK_URL", f"{live}/slack")
    get_settings.cache_clear()
    sensors.completeness_alerts(context)
    assert alert_env.statuses(incident)["slack"] == []  # its retry waits its backoff
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE dart_ops.alert_outbox SET next_attempt_at = now() WHERE delivered_at IS NULL"))
    assert alert_env.statuses(incident) == OPEN_ONLY
    assert alert_env.statuses(incident) == OPEN_ONLY  # exactly once
    with engine.connect() as conn:
        assert (
            conn.execute(sa.text("SELECT count(*) FROM dart_ops.alert_outbox WHERE delivered_at IS NULL")).scalar_one()
            == 0
        )


def test_abandoned_dead_letter_asks_an_operator_once_and_clears_on_resolve(alert_env, engine) -> None:
    from dart_assets.alerting.alerts import load_channels
    from dart_assets.cli import main

    channels = load_channels()
    for n in range(5):  # five failed runs of three attempts each: past MAX_ATTEMPTS (12)
        run = dg.DagsterRun(
            job_name="dart_weekly",
            run_id=f"run-{n}",
            tags={"dagster/partition": "2026-11-16", "dagster/retry_number": "2"},
        )
        letter = recovery_sensors.handle_run_failure(engine, channels, run, "503 Service Unavailable")
    assert letter.status == "abandoned"
    incident = f"dead_letter_abandoned:{letter.id}"
    assert alert_env.statuses(incident) == OPEN_ONLY
    assert alert_env.statuses("run_failure:dart_weekly:2026-11-16") == OPEN_ONLY  # still one for the partition

    assert main(["dead-letters", "resolve", str(letter.id), "--note", "week reloaded by hand", "--actor", "kim"]) == 0
    assert alert_env.statuses(incident) == ONCE
    # the partition's run-failure incident clears too, so a later failure alerts again
    assert alert_env.statuses("run_failure:dart_weekly:2026-11-16") == ONCE
    run = dg.DagsterRun(job_name="dart_weekly", run_id="run-5", tags={"dagster/partition": "2026-11-16"})
    recovery_sensors.handle_run_failure(engine, channels, run, "503 Service Unavailable")
    assert alert_env.statuses("run_failure:dart_weekly:2026-11-16") == {c: ["open", "resolved", "open"] for c in ONCE}
