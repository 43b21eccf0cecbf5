"""DART_FG_LOG_FORMAT=json for real processes: `dart-fg` (a subprocess listing filings from a
flaky simulator, so the client logs its retries) and a Dagster run with JsonLinesHandler in the
instance's python_logs write JSON lines, and the DART key is in none of them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from simulators.server import Faults, SimulatorConfig, run_simulator

SECRET = "JsonLogSecretKey" * 2 + "Q1w2E3r4"  # 40 alphanumerics


def _json_lines(text: str) -> list[dict]:
    """The lines that are log records (dart-fg list also writes one progress line per page)."""
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_dart_fg_logs_json_lines_without_the_key(dart_env: Path, db_url: str) -> None:
    faults = Faults(error_rate=0.4)
    with run_simulator(SimulatorConfig(faults=faults, valid_keys={SECRET}, daily_volume=300, seed=3)) as sim:
        env = {
            **os.environ,
            "DART_FG_LOG_FORMAT": "json",
            "DART_API_KEY": SECRET,
            "DART_API_BASE_URL": sim.base_url,
            "DATABASE_URL": db_url,
            "DART_FG_REQUESTS_PER_SECOND": "1000",
        }
        done = subprocess.run(
            [sys.executable, "-m", "dart_assets.cli", "list", "--from", "2026-09-15", "--to", "2026-09-15"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    records = _json_lines(done.stderr)
    retries = [r for r in records if r["logger"] == "dart_assets.sources.dart.client" and "retrying" in r["message"]]
    assert retries and all(r["level"] == "WARNING" and r["ts"] for r in retries), done.stderr[-2000:]
    assert all(set(r) >= {"ts", "level", "logger", "message"} for r in records)
    assert SECRET not in done.stdout + done.stderr


HANDLER_CONFIG = {
    "python_logs": {
        # explicit: engine events (STEP_SUCCESS, ...) are DEBUG records; without a level the
        # managed loggers' level comes from whatever configured logging before, and a full-suite
        # run once dropped them
        "python_log_level": "DEBUG",
        "dagster_handler_config": {"handlers": {"json": {"class": "dart_assets.core.logs.JsonLinesHandler"}}},
    }
}


def test_dagster_events_as_json_lines(monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DART_API_KEY", SECRET)

    @dg.op
    def noisy(context) -> None:  # noqa: ANN001 (Dagster reads the annotation)
        context.log.warning(f"calling list.json?crtfc_key={SECRET}")

    @dg.job
    def logged() -> None:
        noisy()

    monkeypatch.setenv("DART_FG_LOG_FORMAT", "text")
    with dg.instance_for_test(overrides=HANDLER_CONFIG) as instance:
        assert logged.execute_in_process(instance=instance).success
    assert not _json_lines(capfd.readouterr().err)  # text mode: the handler writes nothing

    monkeypatch.setenv("DART_FG_LOG_FORMAT", "json")
    with dg.instance_for_test(overrides=HANDLER_CONFIG) as instance:
        result = logged.execute_in_process(instance=instance)
    assert result.success
    err = capfd.readouterr().err
    records = _json_lines(err)
    mine = [r for r in records if "calling list.json" in r["message"]]
    assert mine and mine[0]["run_id"] == result.run_id and mine[0]["step"] == "noisy" and mine[0]["job"] == "logged"
    assert "crtfc_key=***" in mine[0]["message"]
    assert any(r.get("event") == "STEP_SUCCESS" for r in records)
    # (the op logs the key on purpose: Dagster's own text line shows it, the JSON lines never)
    assert SECRET not in "\n".join(line for line in err.splitlines() if line.startswith("{"))
