"""Dead letters: recording, re-drive gating (breaker, quota), operator commands and their audit."""

from __future__ import annotations

import json

import dagster as dg
import sqlalchemy as sa

from dart_assets.alerting import sensors
from dart_assets.alerting.alerts import utc_now
from dart_assets.alerting.config import load_ops_config
from dart_assets.cli import main
from dart_assets.core.redaction import key_id
from dart_assets.core.settings import get_settings
from dart_assets.ops import sensors as ops_sensors
from dart_assets.recovery import dead_letters, sensors as recovery_sensors
from dart_assets.scheduling.schedules import seoul_date
from dart_assets.sources.dart.breaker import CircuitBreaker


def _audit(engine: sa.Engine) -> list[dict]:
    with engine.connect() as conn:
        return [
            dict(r)
            for r in conn.execute(
                sa.text("SELECT actor, action, target, details FROM dart_ops.audit_log ORDER BY id")
            ).mappings()
        ]


def _redrive(engine: sa.Engine, job: str = "dart_daily"):
    return recovery_sensors.redrive_requests(engine, get_settings(), load_ops_config().thresholds, job)


def test_redrive_waits_for_closed_breaker_and_quota_then_requests_the_partition(dart_env, engine) -> None:
    letter = dead_letters.record_dead_letter(engine, "dart_daily", "2026-11-20", "run-1", "boom", attempts=3)
    range_letter = dead_letters.record_dead_letter(engine, "dart_daily", "2026-01-01...2026-01-31", "run-2", "boom")

    breaker = CircuitBreaker(engine, failure_threshold=1)
    breaker.record_failure("DART maintenance")
    skipped = _redrive(engine)
    assert isinstance(skipped, dg.SkipReason) and "breaker is open" in skipped.skip_message
    breaker.record_success()

    with engine.begin() as conn:  # the only key has used 85% of today's budget
        conn.execute(
            sa.text("INSERT INTO dart_ops.api_quota_usage (key_id, usage_date, calls) VALUES (:k, :d, 8500)"),
            {"k": key_id(get_settings().api_keys[0]), "d": seoul_date(utc_now())},
        )
    skipped = _redrive(engine)
    assert isinstance(skipped, dg.SkipReason) and "budget" in skipped.skip_message
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM dart_ops.api_quota_usage"))

    requests = _redrive(engine)
    assert [r.tags[dead_letters.DEAD_LETTER_TAG] for r in requests] == [str(letter.id), str(range_letter.id)]
    assert requests[0].tags["dagster/partition"] == "2026-11-20"
    assert requests[0].job_name == "dart_daily"
    assert (
        requests[1].tags["dagster/asset_partition_range_start"],
        requests[1].tags["dagster/asset_partition_range_end"],
    ) == (
        "2026-01-01",
        "2026-01-31",
    )
    assert {d["status"] for d in dead_letters.list_dead_letters(engine)} == {"redriving"}
    assert isinstance(_redrive(engine), dg.SkipReason)  # nothing is due twice

    # The re-drive fails again: back to open, attempts counted, and it waits its back-off.
    again = dead_letters.record_dead_letter(engine, "dart_daily", "2026-11-20", "run-3", "still down")
    assert (again.id, again.status, again.attempts) == (letter.id, "open", 4)
    assert isinstance(_redrive(engine), dg.SkipReason)  # 4 attempts x 15 minutes
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE dart_ops.dead_letters SET redriven_at = now() - interval '61 minutes'"))
    [request] = _redrive(engine)
    assert request.tags[dead_letters.DEAD_LETTER_TAG] == str(letter.id)


def test_success_of_a_range_run_settles_the_letters_inside_it(dart_env, engine) -> None:
    inside = dead_letters.record_dead_letter(engine, "dart_daily", "2026-01-10", "r1", "boom")
    outside = dead_letters.record_dead_letter(engine, "dart_daily", "2026-02-10", "r2", "boom")
    other_job = dead_letters.record_dead_letter(engine, "dart_weekly", "2026-01-12", "r3", "boom")
    settled = dead_letters.resolve_for_run(engine, "dart_daily", "2026-01-01...2026-01-31", "r4")
    assert settled == [(inside.id, "2026-01-10")]
    open_ids = {d["id"] for d in dead_letters.list_dead_letters(engine)}
    assert open_ids == {outside.id, other_job.id}


def test_abandoned_after_max_attempts_until_an_operator_redrives(dart_env, engine) -> None:
    letter = dead_letters.record_dead_letter(engine, "dart_weekly", "2026-11-16", "r0", "boom", attempts=3)
    for n in range(1, 4):
        letter = dead_letters.record_dead_letter(engine, "dart_weekly", "2026-11-16", f"r{n}", "boom", attempts=3)
    assert (letter.attempts, letter.status) == (12, "open")
    letter = dead_letters.record_dead_letter(engine, "dart_weekly", "2026-11-16", "r9", "boom", attempts=3)
    assert letter.status == "abandoned"
    assert isinstance(_redrive(engine, "dart_weekly"), dg.SkipReason)

    assert main(["dead-letters", "redrive", str(letter.id), "--actor", "kim"]) == 0
    [request] = _redrive(engine, "dart_weekly")
    assert request.tags["dagster/partition"] == "2026-11-16"
    assert _audit(engine)[-1] == {
        "actor": "kim",
        "action": "dead_letter.redrive",
        "target": f"dead_letter:{letter.id}",
        "details": {"job_name": "dart_weekly", "partition_key": "2026-11-16"},
    }


def test_cli_list_redrive_resolve(dart_env, engine, capsys, monkeypatch) -> None:
    monkeypatch.setenv("USER", "operator-lee")
    a = dead_letters.record_dead_letter(engine, "dart_daily", "2026-11-19", "r1", "HTTP 503 from list.json\nmore")
    b = dead_letters.record_dead_letter(engine, "dart_corp_codes", None, "r2", "timeout")

    assert main(["dead-letters", "list"]) == 0
    table = capsys.readouterr().out
    assert "2026-11-19" in table and "HTTP 503 from list.json" in table and "dart_corp_codes" in table

    assert main(["dead-letters", "redrive", "--all"]) == 0
    assert "queued for re-drive" in capsys.readouterr().out
    assert main(["dead-letters", "redrive", "999"]) == 1
    assert "999" in capsys.readouterr().err
    assert main(["dead-letters", "redrive"]) == 2

    assert main(["dead-letters", "resolve", str(b.id), "--note", "corp codes reloaded by hand"]) == 0
    assert main(["dead-letters", "list", "--all", "--format", "json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert {r["id"]: r["status"] for r in rows} == {a.id: "open", b.id: "resolved"}

    audit = _audit(engine)
    assert [(r["actor"], r["action"]) for r in audit] == [
        ("operator-lee", "dead_letter.redrive"),
        ("operator-lee", "dead_letter.redrive"),
        ("operator-lee", "dead_letter.resolve"),
    ]
    assert audit[-1]["details"]["note"] == "corp codes reloaded by hand"


def test_backfills_launched_in_dagster_are_audited_once(dart_env, engine) -> None:
    import time

    from dagster._core.execution.backfill import PartitionBackfill

    from dart_assets.core.partitions import DAILY_PARTITIONS

    @dg.asset(key=["dart_raw", "disclosures"], partitions_def=DAILY_PARTITIONS)
    def disclosures() -> None: ...

    graph = dg.Definitions(assets=[disclosures]).get_repository_def().asset_graph
    with dg.instance_for_test() as instance:
        backfill = PartitionBackfill.from_asset_partitions(
            backfill_id="bf000001",
            asset_graph=graph,
            partition_names=["2026-01-02", "2026-01-05", "2026-01-06"],
            asset_selection=[disclosures.key],
            backfill_timestamp=time.time(),
            tags={},
            dynamic_partitions_store=instance,
            all_partitions=False,
            title="January",
            description=None,
            run_config=None,
        )
        instance.add_backfill(backfill)
        context = dg.build_sensor_context(instance=instance)
        ops_sensors.operator_audit(context)
        ops_sensors.operator_audit(context)
    [row] = [r for r in _audit(engine) if r["action"] == "backfill.launched"]
    assert (row["actor"], row["target"]) == ("dagster", "backfill:bf000001")
    assert row["details"]["targets"] == ["dart_raw/disclosures"]
    assert (row["details"]["partitions"], row["details"]["first_partition"], row["details"]["last_partition"]) == (
        3,
        "2026-01-02",
        "2026-01-06",
    )


def test_key_rotation_is_audited_by_fingerprint(dart_env, engine, monkeypatch) -> None:
    old, new = "A" * 40, "B" * 40
    monkeypatch.setenv("DART_API_KEYS", old)
    get_settings.cache_clear()
    assert ops_sensors.audit_key_changes(engine, get_settings())["added"] == [key_id(old)]
    assert ops_sensors.audit_key_changes(engine, get_settings()) is None  # nothing changed

    monkeypatch.setenv("DART_API_KEYS", f"{new},{old}")
    get_settings.cache_clear()
    ops_sensors.audit_key_changes(engine, get_settings())
    monkeypatch.setenv("DART_API_KEYS", new)
    get_settings.cache_clear()
    change = ops_sensors.audit_key_changes(engine, get_settings())
    assert change == {"fingerprints": [key_id(new)], "added": [], "removed": [key_id(old)]}
    rows = _audit(engine)
    assert [r["action"] for r in rows] == ["api_keys.changed"] * 3
    assert old not in str(rows) and new not in str(rows)


def test_a_range_run_settles_only_letters_it_covers_entirely(dart_env, engine) -> None:
    straddling = dead_letters.record_dead_letter(engine, "dart_daily", "2024-01-20...2024-02-10", "r1", "boom")
    inside = dead_letters.record_dead_letter(engine, "dart_daily", "2024-01-05...2024-01-09", "r2", "boom")
    day = dead_letters.record_dead_letter(engine, "dart_daily", "2024-01-31", "r3", "boom")
    settled = dead_letters.resolve_for_run(engine, "dart_daily", "2024-01-01...2024-01-31", "r4")
    assert settled == sorted([(inside.id, "2024-01-05...2024-01-09"), (day.id, "2024-01-31")])
    assert {d["id"] for d in dead_letters.list_dead_letters(engine)} == {straddling.id}
    # one day inside the range does not settle the range either
    assert dead_letters.resolve_for_run(engine, "dart_daily", "2024-01-20", "r5") == []
    assert dead_letters.resolve_for_run(engine, "dart_daily", "2024-01-15...2024-02-29", "r6") == [
        (straddling.id, "2024-01-20...2024-02-10")
    ]


def test_a_cancelled_redrive_is_relaunched_with_a_new_run_key(dart_env, engine) -> None:
    letter = dead_letters.record_dead_letter(engine, "dart_daily", "2026-11-20", "run-1", "boom")
    [first] = _redrive(engine)
    run = dg.DagsterRun(job_name="dart_daily", run_id="redrive-1", tags=first.tags)
    assert recovery_sensors.handle_run_canceled(engine, run) == letter.id
    assert recovery_sensors.handle_run_canceled(engine, run) is None  # once
    with engine.begin() as conn:  # its back-off passes
        conn.execute(sa.text("UPDATE dart_ops.dead_letters SET redriven_at = now() - interval '1 hour'"))
    [second] = _redrive(engine)
    assert second.tags[dead_letters.DEAD_LETTER_TAG] == str(letter.id) and second.run_key != first.run_key


class _Inbox:
    name = "inbox"

    def __init__(self) -> None:
        self.alerts = []

    def send(self, alert) -> None:
        self.alerts.append(alert)


def test_dart_down_is_alerted_when_the_breaker_opens_and_once_when_it_closes(dart_env, engine) -> None:
    from dart_assets.alerting.alerts import deliver_outbox, reconcile
    from dart_assets.sources.dart.breaker import BREAKER_NAME

    inbox = _Inbox()
    breaker = CircuitBreaker(engine, name=BREAKER_NAME, failure_threshold=3)

    def tick():
        failing, passing = sensors.breaker_findings(engine)
        outcome = reconcile(engine, [inbox], "breaker_open", failing, passing)
        deliver_outbox(engine, [inbox])
        return outcome

    assert tick() == ([], []) and inbox.alerts == []
    for _ in range(3):
        breaker.record_failure("list.json: DART system maintenance (status 800)")
    assert tick() == ([f"breaker:{BREAKER_NAME}"], [])
    assert tick() == ([], [])  # one message per outage, however many ticks
    breaker.record_success()
    assert tick() == ([], [f"breaker:{BREAKER_NAME}"])
    assert [(a.kind, a.status) for a in inbox.alerts] == [("breaker_open", "open"), ("breaker_open", "resolved")]
    assert "looks down" in inbox.alerts[0].summary and "3 consecutive failures" in inbox.alerts[0].summary


class _Stuck(_Inbox):
    """A channel that takes `seconds` and then fails, like an unreachable webhook."""

    def __init__(self, name: str, seconds: float) -> None:
        super().__init__()
        self.name, self.seconds = name, seconds

    def send(self, alert) -> None:
        import time

        time.sleep(self.seconds)
        raise ConnectionError("unreachable")


def test_the_alert_is_committed_with_its_incident_and_sent_outside_it(dart_env, engine) -> None:
    from dart_assets.alerting.alerts import Finding, deliver_outbox, raise_incident

    inbox = _Inbox()
    assert raise_incident(engine, [inbox], "k1", "quota", Finding("quota used"))
    # a crash now (before any delivery) loses nothing: the message is in the outbox, committed
    assert inbox.alerts == []
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT status, channel FROM dart_ops.alert_outbox")).all() == [("open", "inbox")]
    assert deliver_outbox(engine, [inbox]) == (1, 0)
    assert deliver_outbox(engine, [inbox]) == (0, 0) and len(inbox.alerts) == 1


def test_a_reopened_incident_never_sends_its_stale_recovery(dart_env, engine) -> None:
    from dart_assets.alerting.alerts import Finding, clear_incident, deliver_outbox, raise_incident

    inbox = _Inbox()
    raise_incident(engine, [inbox], "k1", "quota", Finding("quota used"))
    deliver_outbox(engine, [inbox])
    clear_incident(engine, [inbox], "k1")  # resolved, but its message not out yet ...
    raise_incident(engine, [inbox], "k1", "quota", Finding("quota used again"))  # ... and open again
    deliver_outbox(engine, [inbox])
    assert [a.status for a in inbox.alerts] == ["open", "open"]


def test_unreachable_channels_cannot_stall_delivery_past_its_budget(dart_env, engine) -> None:
    import time

    from dart_assets.alerting.alerts import Finding, deliver_outbox, raise_incident

    stuck, inbox = _Stuck("slack", 0.4), _Inbox()
    for n in range(5):
        raise_incident(engine, [stuck, inbox], f"k{n}", "quota", Finding(f"quota {n}"))
    started = time.monotonic()
    sent, failed = deliver_outbox(engine, [stuck, inbox], budget_s=1.0)
    assert time.monotonic() - started < 1.6
    assert failed >= 2 and sent >= 2
    with engine.connect() as conn:  # what was not reached is released for the next tick, not lost
        pending = conn.execute(
            sa.text("SELECT count(*) FROM dart_ops.alert_outbox WHERE delivered_at IS NULL AND claimed_until IS NULL")
        ).scalar_one()
    assert pending == 10 - sent
