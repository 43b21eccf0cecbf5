"""Log output of the CLI, the read API and the Dagster side: text, or JSON lines for aggregation.

`DART_FG_LOG_FORMAT=json` turns every line into one JSON object (`ts`, `level`, `logger`,
`message`, and `exc` for a traceback; Dagster's records add `run_id`, `job`, `step`, `event`)
on stderr. Unset or `text`, nothing changes: the processes log as they always did.

What a record says is kept free of secrets where it is written (the clients never put a key on
what they log); the JSON formatter is a second line of defence on top: every string it emits
goes through the alert redaction (configured DART keys, `crtfc_key=` values, 40-character key
look-alikes) and loses the values of the secret variables of the environment (KRX/ECOS keys,
webhook URLs, SMTP password, metrics token, the DATABASE_URL password, any *_PASSWORD,
*_TOKEN, *_SECRET or *_WEBHOOK_URL).

On the Dagster side, importing the code location applies the switch to the Python logs of the
code server and the run workers; Dagster's own event lines go through its console logger, which
an instance cannot replace, so `JsonLinesHandler` is added to it in dagster.yaml
(`python_logs.dagster_handler_config`, see the README) and writes each event as a JSON line too.
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
from datetime import UTC, datetime
from typing import IO, Any

from dart_assets.core.redaction import redact, redact_keys

LOG_FORMAT_ENV = "DART_FG_LOG_FORMAT"
FORMATS = ("text", "json")
_SECRET_NAMES = re.compile(r"(PASSWORD|TOKEN|SECRET|WEBHOOK_URL|API_KEYS?)$")
_MARK = "_dart_fg_json"  # on the handlers configure_logging installs (replaced, never doubled)
#: Shortest value worth redacting by name: below it, replacing would garble unrelated text.
_MIN_SECRET = 6


def log_format(env: dict[str, str] | None = None) -> str:
    """`json` or `text` (the default; an unknown value is treated as text, with a warning)."""
    value = ((os.environ if env is None else env).get(LOG_FORMAT_ENV) or "text").strip().lower()
    if value not in FORMATS:
        logging.getLogger(__name__).warning("%s=%r is not one of %s: logging as text", LOG_FORMAT_ENV, value, FORMATS)
        return "text"
    return value


def _environment_secrets() -> list[str]:
    secrets: list[str] = []
    for name, value in os.environ.items():
        if value and _SECRET_NAMES.search(name):
            secrets.extend(v.strip() for v in value.split(",") if len(v.strip()) >= _MIN_SECRET)
    url = os.environ.get("DATABASE_URL")
    if url:
        try:
            import sqlalchemy as sa

            password = sa.engine.make_url(url).password
        except Exception:  # a malformed URL: settings report it; here only its password matters
            password = None
        if password and len(password) >= _MIN_SECRET:
            secrets.append(password)
    return sorted(set(secrets), key=len, reverse=True)  # longest first: a key inside a URL goes whole


def scrub(text: str) -> str:
    """`text` through the alert redaction and without any secret value of the environment."""
    return redact(redact_keys(text), _environment_secrets())


class JsonFormatter(logging.Formatter):
    """One JSON object per record, every string scrubbed (see the module docstring)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        meta = getattr(record, "dagster_meta", None)
        if isinstance(meta, dict):
            for field, key in (("run_id", "run_id"), ("job", "job_name"), ("step", "step_key")):
                if meta.get(key):
                    entry[field] = str(meta[key])
            event = meta.get("dagster_event")
            if event is not None and getattr(event, "event_type_value", None):
                entry["event"] = str(event.event_type_value)
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exc"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        entry = {k: scrub(v) if isinstance(v, str) else v for k, v in entry.items()}
        return json.dumps(entry, ensure_ascii=False, default=str)


def json_handler(stream: IO[str] | None = None) -> logging.Handler:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    setattr(handler, _MARK, True)
    return handler


def configure_logging(*, stream: IO[str] | None = None, level: int = logging.INFO) -> bool:
    """In JSON mode, send the root logger's records (at `level` and above) to stderr as JSON
    lines, replacing the handler an earlier call installed; in text mode leave logging as it
    is. Returns whether JSON mode is on."""
    if log_format() != "json":
        return False
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _MARK, False)]:
        root.removeHandler(handler)
    root.addHandler(json_handler(stream))
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    return True


def uvicorn_log_config() -> dict[str, Any] | None:
    """uvicorn's own loggers (server and access lines) as JSON in JSON mode; None keeps its default."""
    if log_format() != "json":
        return None
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "handlers": {"json": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "loggers": {
            name: {"handlers": ["json"], "level": "INFO", "propagate": False}
            for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }


class JsonLinesHandler(logging.StreamHandler):
    """JSON lines on stderr when DART_FG_LOG_FORMAT=json, nothing otherwise: a handler for
    Dagster's `python_logs.dagster_handler_config` (dagster.yaml), so that every run's events
    reach the log aggregation as JSON whatever launched it."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        super().__init__(stream or sys.stderr)
        self.setFormatter(JsonFormatter())
        if log_format() != "json":
            self.setLevel(logging.CRITICAL + 1)
