"""Operations config: channels and periods from YAML and the environment, clear errors, no secrets."""

from pathlib import Path

import pytest

from dart_assets.alerting.channels import Email, JsonWebhook, LogChannel, SlackWebhook, build_channels
from dart_assets.alerting.config import RETENTION_DEFAULTS, load_ops_config
from dart_assets.core.redaction import redact_keys
from dart_assets.core.settings import SettingsError

SECRET_URL = "https://hooks.example/services/T000/B000/secret-token"


def test_defaults_are_log_only_with_documented_periods() -> None:
    config = load_ops_config({})
    assert [type(c) for c in build_channels(config.channels)] == [LogChannel]
    assert config.thresholds.quota_ratio == 0.8
    assert config.retention_days == RETENTION_DEFAULTS


def test_yaml_and_environment_combine(tmp_path: Path) -> None:
    path = tmp_path / "ops.yaml"
    path.write_text(
        """
channels:
  - type: webhook
    url_env: OPS_HOOK
  - type: email
    host: 127.0.0.1
    port: 2525
    from: dart@example.test
    to: oncall@example.test
    username: dart
    password_env: SMTP_PW
    starttls: true
thresholds:
  quota_ratio: 0.9
retention:
  alert_incidents: 30
"""
    )
    env = {
        "DART_FG_ALERTS_CONFIG": str(path),
        "OPS_HOOK": "http://127.0.0.1:9/hook",
        "SMTP_PW": "pw",
        "DART_FG_ALERT_WEBHOOK_URL": SECRET_URL,
        "DART_FG_RETENTION_AUDIT_LOG_DAYS": "3650",
    }
    config = load_ops_config(env)
    channels = build_channels(config.channels)
    kinds = [type(c) for c in channels]
    assert kinds == [JsonWebhook, Email, SlackWebhook, LogChannel]
    assert channels[1].recipients == ("oncall@example.test",) and channels[1].port == 2525
    assert config.thresholds.quota_ratio == 0.9
    assert config.retention_days["alert_incidents"] == 30
    assert config.retention_days["audit_log"] == 3650
    # Webhook URLs carry tokens and passwords are secrets: neither shows in a repr.
    assert "secret-token" not in repr(channels) and "pw" not in repr(channels[1])
    assert "secret-token" not in repr(config)


@pytest.mark.parametrize(
    "text, message",
    [
        ("channels: [{type: pager}]", "unknown type 'pager'"),
        ("channels: [{type: slack}]", "needs an http(s) url"),
        ("channels: [{type: email, host: h}]", "at least one 'to'"),
        ("thresholds: {quota_ratio: lots}", "thresholds.quota_ratio must be a number"),
        ("retention: {archive: 3}", "unknown retention targets ['archive']"),
        ("alerts: {}", "unknown sections ['alerts']"),
        ("[1, 2]", "mapping at the top level"),
        ("channels: [", "not valid YAML"),
        ("channels:\n  - type: slack\n  url: https://hooks.example/T0/secret-token\n", "not valid YAML at line 3"),
        ("retention: {audit_log: 0}", "retention.audit_log must be above 0"),
        ("thresholds: {quota_ratio: 0}", "thresholds.quota_ratio must be above 0"),
        ("retention: {quarantine: 30}", "kept as long as it is"),
        ("retention: {partition_loads: 30}", "kept as long as it is"),
    ],
)
def test_bad_config_is_named(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "ops.yaml"
    path.write_text(text)
    with pytest.raises(SettingsError, match="DART_FG_ALERTS_CONFIG|alert channel") as err:
        build_channels(load_ops_config({"DART_FG_ALERTS_CONFIG": str(path)}).channels)
    assert message in str(err.value)
    assert "secret-token" not in str(err.value)  # the parser's own message would quote the line


def test_missing_config_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="cannot read"):
        load_ops_config({"DART_FG_ALERTS_CONFIG": str(tmp_path / "absent.yaml")})


def test_redact_removes_keys_from_alert_text(monkeypatch: pytest.MonkeyPatch) -> None:
    key = "K" * 20 + "9" * 20
    monkeypatch.setenv("DART_API_KEY", key)
    from dart_assets.core.settings import get_settings

    get_settings.cache_clear()
    try:
        text = redact_keys(f"GET /api/list.json?crtfc_key={key}&page_no=2 failed; key {key}")
    finally:
        get_settings.cache_clear()
    assert key not in text
    assert "crtfc_key=***" in text and "page_no=2" in text
