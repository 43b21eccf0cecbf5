"""DART_FG_LOG_FORMAT=json: one JSON object per line, no secret in any of its strings."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from dart_assets.core.logs import JsonFormatter, configure_logging, log_format, uvicorn_log_config
from dart_assets.core.settings import get_settings

DART_KEY = "LogsDartKeyX" * 3 + "Zz09"  # 40 alphanumerics
KRX_KEY = "krxLogsSecretKey42"
DB_PASSWORD = "DbLogsPassw0rd"
TOKEN = "metricsLogsToken77"


@pytest.fixture
def secrets_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("DART_API_KEY", DART_KEY)
    monkeypatch.setenv("KRX_API_KEY", KRX_KEY)
    monkeypatch.setenv("DATABASE_URL", f"postgresql://dart:{DB_PASSWORD}@db.example:5432/dartfg")
    monkeypatch.setenv("DART_FG_METRICS_TOKEN", TOKEN)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _record(msg: str, *args: object, exc: BaseException | None = None) -> logging.LogRecord:
    exc_info = (type(exc), exc, exc.__traceback__) if exc else None
    return logging.LogRecord("dart_assets.test", logging.WARNING, __file__, 1, msg, args, exc_info)


def test_json_lines_carry_the_fields_and_no_secret(secrets_env: None) -> None:
    try:
        raise RuntimeError(f"GET https://opendart.fss.or.kr/api/list.json?crtfc_key={DART_KEY}&page_no=1")
    except RuntimeError as caught:
        error = caught
    records = [
        _record("calling %s with key %s", "list.json", DART_KEY),
        _record("krx %s db %s token %s", KRX_KEY, DB_PASSWORD, TOKEN),
        _record("failed: 삼성전자 공시", exc=error),
    ]
    lines = [JsonFormatter().format(r) for r in records]
    text = "\n".join(lines)
    for secret in (DART_KEY, KRX_KEY, DB_PASSWORD, TOKEN):
        assert secret not in text
    entries = [json.loads(line) for line in lines]
    assert all("\n" not in line for line in lines)  # one object per line, tracebacks included
    assert entries[0]["level"] == "WARNING" and entries[0]["logger"] == "dart_assets.test"
    assert entries[0]["message"] == "calling list.json with key ***"
    assert entries[0]["ts"].endswith("+00:00")
    assert "RuntimeError" in entries[2]["exc"] and "crtfc_key=***" in entries[2]["exc"]
    assert entries[2]["message"] == "failed: 삼성전자 공시"


def test_configure_logging_switches_only_in_json_mode(monkeypatch: pytest.MonkeyPatch, secrets_env: None) -> None:
    root = logging.getLogger()
    before = list(root.handlers)
    monkeypatch.delenv("DART_FG_LOG_FORMAT", raising=False)
    assert log_format() == "text" and not configure_logging() and uvicorn_log_config() is None
    assert root.handlers == before
    monkeypatch.setenv("DART_FG_LOG_FORMAT", "yaml")
    assert log_format() == "text"
    monkeypatch.setenv("DART_FG_LOG_FORMAT", "JSON")
    stream = io.StringIO()
    level = root.level
    try:
        assert configure_logging(stream=stream)
        assert configure_logging(stream=stream)  # again: replaced, not doubled
        logging.getLogger("dart_assets.somewhere").info("loaded %d rows for key %s", 3, DART_KEY)
    finally:
        for handler in [h for h in root.handlers if h not in before]:
            root.removeHandler(handler)
        root.setLevel(level)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0])["message"] == "loaded 3 rows for key ***"
    config = uvicorn_log_config()
    assert config and config["formatters"]["json"]["()"] == "dart_assets.core.logs.JsonFormatter"
