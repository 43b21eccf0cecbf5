"""A broken alert config: the code location refuses it, sensors that read it after load keep
running on the log channel, and `dart-fg health` names the config and every failing sensor."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy as sa
from dagster._core.remote_origin import InProcessCodeLocationOrigin
from dagster._core.scheduler.instigation import InstigatorType, TickStatus
from dagster._core.test_utils import create_test_daemon_workspace_context
from dagster._core.types.loadable_target_origin import LoadableTargetOrigin
from dagster._core.workspace.load_target import InProcessWorkspaceLoadTarget
from dagster._daemon.sensor import execute_sensor_iteration

from dart_assets.alerting.alerts import Finding, raise_incident
from dart_assets.alerting.channels import LogChannel, SlackWebhook
from dart_assets.alerting.sensors import alert_outbox
from dart_assets.cli import main
from dart_assets.sources.dart.breaker import CircuitBreaker

LOCATION = Path(__file__).with_name("sensor_location.py")


def _break_config(dart_env: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = dart_env / "ops.yaml"
    config.write_text("channels:\n  - type: slack\n    url_env: DART_FG_TEST_UNSET_HOOK\n")
    monkeypatch.setenv("DART_FG_ALERTS_CONFIG", str(config))
    monkeypatch.delenv("DART_FG_TEST_UNSET_HOOK", raising=False)
    return config


def _last_ticks(instance: dg.DagsterInstance) -> dict[str, TickStatus]:
    """One sensor-daemon iteration over sensor_location, then each sensor's newest tick status."""
    origin = InProcessCodeLocationOrigin(
        LoadableTargetOrigin(python_file=str(LOCATION), attribute="defs", working_directory=str(LOCATION.parent)),
        location_name="sensor_location",
    )
    with create_test_daemon_workspace_context(InProcessWorkspaceLoadTarget(origin), instance) as context:
        list(execute_sensor_iteration(context, logging.getLogger("test.sensor_daemon"), None, None))
    return {
        state.instigator_name: instance.get_ticks(state.instigator_origin_id, state.selector_id, limit=1)[0].status
        for state in instance.all_instigator_state(instigator_type=InstigatorType.SENSOR)
    }


def test_the_code_location_refuses_a_broken_config_naming_file_and_variable(dart_env, monkeypatch, tmp_path) -> None:
    """What `dagster dev`, the webserver's code-location page and a deploy's validate step show."""
    config = _break_config(dart_env, monkeypatch)
    dagster = Path(sys.executable).with_name("dagster")
    done = subprocess.run(
        [str(dagster), "definitions", "validate", "-m", "dart_assets.definitions"],
        env={**os.environ, "DAGSTER_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert "alert config invalid" in output and str(config) in output and "DART_FG_TEST_UNSET_HOOK" in output


def test_sensors_keep_running_on_the_log_and_health_names_the_config_and_failing_sensors(
    dart_env, engine, monkeypatch, capsys, caplog
) -> None:
    home = dart_env / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("")  # else the instance warns on stdout, before the JSON
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    _break_config(dart_env, monkeypatch)
    CircuitBreaker(engine, failure_threshold=1).record_failure("503 maintenance")
    caplog.set_level(logging.INFO)

    with dg.DagsterInstance.get() as instance:
        ticks = _last_ticks(instance)
    assert ticks["always_fails"] == TickStatus.FAILURE
    assert {name: s for name, s in ticks.items() if name != "always_fails" and s == TickStatus.FAILURE} == {}
    with engine.connect() as conn:
        queued = conn.execute(sa.text("SELECT channel FROM dart_ops.alert_outbox")).scalars().all()
    assert queued == ["log"]  # the breaker alert, on the only channel that works
    alert_outbox(dg.build_sensor_context())
    assert "[dart-fg ALERT] breaker_open" in caplog.text
    assert "DART_FG_TEST_UNSET_HOOK" in caplog.text  # and the log says why it is the only one

    code = main(["health"])
    out = capsys.readouterr().out
    report = json.loads(out)
    assert code == 1
    assert report["alerts"]["status"] == "invalid" and "DART_FG_TEST_UNSET_HOOK" in report["alerts"]["error"]
    assert list(report["sensors"]["failed_last_tick"]) == ["always_fails"]
    assert "RuntimeError: cannot reach <url>" in report["sensors"]["failed_last_tick"]["always_fails"]["error"]
    assert any(p.startswith("sensor always_fails: last tick failed") for p in report["problems"])
    assert "tick-secret-token" not in out


def test_messages_for_an_unreadable_channel_wait_for_the_fixed_config(dart_env, engine, monkeypatch, webhook) -> None:
    finding = Finding("DART is down")
    raise_incident(engine, [SlackWebhook(f"{webhook.url}/slack"), LogChannel()], "breaker:t", "breaker_open", finding)
    _break_config(dart_env, monkeypatch)
    alert_outbox(dg.build_sensor_context())  # the log row goes out; the Slack row must not be dropped
    with engine.connect() as conn:
        rows = dict(conn.execute(sa.text("SELECT channel, dropped_reason FROM dart_ops.alert_outbox")).all())
    assert rows == {"slack": None, "log": None}

    monkeypatch.setenv("DART_FG_TEST_UNSET_HOOK", f"{webhook.url}/slack")
    with engine.begin() as conn:  # the claim of the broken tick lapses (budget + 60 s)
        conn.execute(sa.text("UPDATE dart_ops.alert_outbox SET claimed_until = NULL"))
    alert_outbox(dg.build_sensor_context())
    assert [b["status"] for b in webhook.by_path("/slack")] == ["open"]
