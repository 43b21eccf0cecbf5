"""Operations configuration: alert channels, thresholds and retention periods.

Read from the environment and, when `DART_FG_ALERTS_CONFIG` names one, a YAML file: channels
from both are used, a DART_FG_RETENTION_<NAME>_DAYS variable wins over the file, and thresholds
come from the file only. Format (every key optional; deploy/DEPLOY.md has the
full example):

    channels:
      - type: slack            # Slack-compatible: JSON with `text` plus structured fields
        url_env: SLACK_URL     # or url: https://...  (prefer url_env: URLs carry tokens)
      - type: webhook          # generic JSON webhook: the structured fields only
        url: https://ops.example/hooks/dart
      - type: email
        host: smtp.example     # port (25), starttls (false), username, password_env
        from: dart-fg@example
        to: [oncall@example]
    thresholds:
      quota_ratio: 0.8         # alert when a key used this share of its daily budget
      completeness_target: 1.0 # (fetched / DART total_count) under this opens an incident
      completeness_lookback_days: 7
    retention:                 # days; env DART_FG_RETENTION_<NAME>_DAYS overrides
      archives: 730
      quarantine: 180
      alert_incidents: 180
      audit_log: 1825
      partition_loads: 730
      dead_letters: 90

Environment-only setups: `DART_FG_ALERT_WEBHOOK_URL` (Slack-compatible),
`DART_FG_ALERT_JSON_WEBHOOK_URL`, and `DART_FG_ALERT_SMTP_HOST`, `DART_FG_ALERT_SMTP_PORT`,
`DART_FG_ALERT_EMAIL_FROM`, `DART_FG_ALERT_EMAIL_TO` (comma-separated),
`DART_FG_ALERT_SMTP_USERNAME`, `DART_FG_ALERT_SMTP_PASSWORD`, `DART_FG_ALERT_SMTP_STARTTLS`.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dart_assets.core.settings import SettingsError

CONFIG_ENV = "DART_FG_ALERTS_CONFIG"

log = logging.getLogger("dart_fg.alerts")

RETENTION_DEFAULTS: dict[str, int] = {
    "archives": 730,
    "alert_incidents": 180,
    "audit_log": 1825,
    "dead_letters": 90,
}
#: Not history but the current state of dart_raw: the quarantine is the only copy of rejected
#: rows, and partition_loads feeds index_weights and the completeness check. They are kept as
#: long as dart_raw is (which nothing prunes), so a period for them is a configuration error.
KEPT_WITH_RAW = ("quarantine", "partition_loads")


@dataclass(frozen=True)
class Thresholds:
    quota_ratio: float = 0.8
    completeness_target: float = 1.0
    completeness_lookback_days: int = 7


@dataclass(frozen=True)
class OpsConfig:
    channels: tuple[dict[str, Any], ...] = field(repr=False)
    thresholds: Thresholds
    retention_days: dict[str, int]


def _read_yaml(env: dict[str, str]) -> dict[str, Any]:
    path = env.get(CONFIG_ENV)
    if not path:
        return {}
    try:
        data = yaml.safe_load(Path(path).read_text()) or {}
    except OSError as exc:
        raise SettingsError(f"{CONFIG_ENV}: cannot read {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        # The position only: the parser's message quotes the file, which may hold a URL token.
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise SettingsError(f"{CONFIG_ENV}: {path} is not valid YAML{where} ({exc.__class__.__name__})") from None
    if not isinstance(data, dict):
        raise SettingsError(f"{CONFIG_ENV}: {path} must hold a mapping at the top level")
    unknown = set(data) - {"channels", "thresholds", "retention"}
    if unknown:
        raise SettingsError(f"{CONFIG_ENV}: unknown sections {sorted(unknown)} in {path}")
    return data


def _env_channels(env: dict[str, str]) -> list[dict[str, Any]]:
    channels: list[dict[str, Any]] = []
    if env.get("DART_FG_ALERT_WEBHOOK_URL"):
        channels.append({"type": "slack", "url": env["DART_FG_ALERT_WEBHOOK_URL"]})
    if env.get("DART_FG_ALERT_JSON_WEBHOOK_URL"):
        channels.append({"type": "webhook", "url": env["DART_FG_ALERT_JSON_WEBHOOK_URL"]})
    if env.get("DART_FG_ALERT_SMTP_HOST"):
        channels.append(
            {
                "type": "email",
                "host": env["DART_FG_ALERT_SMTP_HOST"],
                "port": env.get("DART_FG_ALERT_SMTP_PORT", 25),
                "from": env.get("DART_FG_ALERT_EMAIL_FROM", "dart-fg@localhost"),
                "to": [a.strip() for a in env.get("DART_FG_ALERT_EMAIL_TO", "").split(",") if a.strip()],
                "username": env.get("DART_FG_ALERT_SMTP_USERNAME"),
                "password": env.get("DART_FG_ALERT_SMTP_PASSWORD"),
                "starttls": env.get("DART_FG_ALERT_SMTP_STARTTLS", "false").lower() in ("1", "true", "yes"),
            }
        )
    return channels


def _resolve_env_refs(spec: Any, env: dict[str, str], position: int) -> dict[str, Any]:
    """`url_env`/`password_env` name variables holding secrets, so the file itself holds none."""
    path = env.get(CONFIG_ENV)
    if not isinstance(spec, dict):
        raise SettingsError(f"{CONFIG_ENV}: {path}: channel #{position} must be a mapping with a 'type'")
    resolved = {k: v for k, v in spec.items() if k not in ("url_env", "password_env")}
    for ref, target in (("url_env", "url"), ("password_env", "password")):
        if spec.get(ref):
            if not env.get(spec[ref]):
                raise SettingsError(
                    f"{CONFIG_ENV}: {path}: channel #{position} ({spec.get('type')}) has {ref}: {spec[ref]}, "
                    f"but {spec[ref]} is not set in this process's environment"
                )
            resolved[target] = env[spec[ref]]
    return resolved


def _number(section: str, name: str, value: Any, cast: type) -> Any:
    """A positive number: 0 days would delete everything at once, a 0 ratio alert on every call."""
    try:
        number = cast(value)
    except (TypeError, ValueError):
        raise SettingsError(f"{CONFIG_ENV}: {section}.{name} must be a number, got {value!r}") from None
    if not number > 0:
        raise SettingsError(f"{CONFIG_ENV}: {section}.{name} must be above 0, got {value!r}")
    return number


def load_ops_config(env: dict[str, str] | None = None) -> OpsConfig:
    """Validated operations config; SettingsError names the bad entry (never a secret)."""
    env = dict(os.environ if env is None else env)
    data = _read_yaml(env)
    raw_thresholds = data.get("thresholds") or {}
    known = Thresholds.__dataclass_fields__
    unknown = set(raw_thresholds) - set(known)
    if unknown:
        raise SettingsError(f"{CONFIG_ENV}: unknown thresholds {sorted(unknown)}")
    thresholds = Thresholds(
        **{k: _number("thresholds", k, v, type(getattr(Thresholds, k))) for k, v in raw_thresholds.items()}
    )
    raw_retention = data.get("retention") or {}
    kept = sorted({n for n in KEPT_WITH_RAW if n in raw_retention or env.get(f"DART_FG_RETENTION_{n.upper()}_DAYS")})
    if kept:
        raise SettingsError(
            f"{CONFIG_ENV}: retention of {kept} cannot be set: they describe the current state of dart_raw "
            "and are kept as long as it is"
        )
    unknown = set(raw_retention) - set(RETENTION_DEFAULTS)
    if unknown:
        raise SettingsError(f"{CONFIG_ENV}: unknown retention targets {sorted(unknown)}")
    retention = dict(RETENTION_DEFAULTS)
    for name in RETENTION_DEFAULTS:
        value = env.get(f"DART_FG_RETENTION_{name.upper()}_DAYS") or raw_retention.get(name)
        if value is not None:
            retention[name] = _number("retention", name, value, int)
    channels = [_resolve_env_refs(spec, env, i + 1) for i, spec in enumerate(data.get("channels") or [])]
    channels += _env_channels(env)
    return OpsConfig(channels=tuple(channels), thresholds=thresholds, retention_days=retention)


def runtime_thresholds() -> Thresholds:
    """The sensors' thresholds: the defaults, logged, while the config is broken.

    The file is read again at every tick, so an edit made after the code location loaded (which
    refuses a broken config) would otherwise fail the quota, completeness and re-drive sensors
    on every tick; with the defaults they keep alerting and `dart-fg health` names the problem.
    """
    try:
        return load_ops_config().thresholds
    except SettingsError as exc:
        log.error("%s; the sensors use the default thresholds until it is fixed", exc)
        return Thresholds()
