"""The instance configs we ship are ones Dagster accepts, with the limits DEPLOY.md promises."""

import shutil
from pathlib import Path

import pytest
from dagster._core.instance.config import dagster_instance_config

REPO = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize("source", ["dagster.yaml", "deploy/dagster.prod.yaml"])
def test_instance_config_is_valid(source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(REPO / source, tmp_path / "dagster.yaml")
    for name in ("DATABASE_URL", "DAGSTER_PG_HOST", "DAGSTER_PG_DB", "DAGSTER_PG_USERNAME", "DAGSTER_PG_PASSWORD"):
        monkeypatch.setenv(name, "x")
    monkeypatch.setenv("DAGSTER_PG_PORT", "5432")
    config, _ = dagster_instance_config(str(tmp_path))
    assert config["run_coordinator"]["class"] == "QueuedRunCoordinator"
    assert config["concurrency"]["pools"]["default_limit"] == 1  # dart_api: one run calls DART
    assert config["run_retries"] == {"enabled": True, "max_retries": 2, "retry_on_asset_or_op_failure": False}
    assert config["run_monitoring"]["enabled"] is True
    assert config["run_monitoring"]["free_slots_after_run_end_seconds"] > 0


def test_systemd_units_restart_always() -> None:
    for unit in ("dart-fg-webserver.service", "dart-fg-daemon.service"):
        text = (REPO / "deploy" / "systemd" / unit).read_text()
        assert "Restart=always" in text
        assert "EnvironmentFile=/etc/dart-fg/dart-fg.env" in text
