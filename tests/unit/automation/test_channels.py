"""Alert channels keep their credentials: no webhook URL in a log line, no password in clear text."""

from __future__ import annotations

import logging
import smtplib
import ssl
from datetime import UTC, datetime

import httpx
import pytest

from dart_assets.alerting import channels
from dart_assets.alerting.channels import Alert, Email, SlackWebhook, build_channel, deliver
from dart_assets.core.settings import SettingsError, load_settings

HOOK = "https://hooks.slack.test/services/T0SECRET/B0SECRET/xoxb-very-secret-token"
ALERT = Alert("run_failure:x", "run_failure", "open", "a run failed", datetime(2026, 12, 2, tzinfo=UTC))


@pytest.mark.parametrize(
    "error",
    [
        lambda request: httpx.ConnectError(f"cannot connect to {HOOK}", request=request),
        lambda request: httpx.HTTPStatusError(
            f"Client error '404 Not Found' for url '{HOOK}'",
            request=request,
            response=httpx.Response(404, request=request),
        ),
    ],
)
def test_a_failed_webhook_logs_the_channel_status_and_class_never_the_url(monkeypatch, caplog, error) -> None:
    def handle_request(transport, request):
        raise error(request)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", handle_request)
    monkeypatch.setattr(channels._post_json.retry, "sleep", lambda s: None)  # tenacity's waits
    caplog.set_level(logging.DEBUG)
    assert deliver([SlackWebhook(HOOK)], ALERT) == ["slack"]
    assert "xoxb-very-secret-token" not in caplog.text and "T0SECRET" not in caplog.text
    assert "alert channel slack failed" in caplog.text
    assert "HTTPStatusError HTTP 404" in caplog.text or "ConnectError" in caplog.text


def test_a_password_without_starttls_is_refused_when_the_config_loads() -> None:
    spec = {"type": "email", "host": "smtp.test", "to": "a@b.test", "username": "u", "password": "pw"}
    with pytest.raises(SettingsError, match="starttls"):
        build_channel(spec, 1)
    assert isinstance(build_channel({**spec, "starttls": True}, 1), Email)


class _FakeSmtp:
    seen: dict = {}

    def __init__(self, host, port, timeout):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self, context=None):
        _FakeSmtp.seen["context"] = context

    def login(self, user, password):
        _FakeSmtp.seen["login"] = user

    def send_message(self, message):
        _FakeSmtp.seen["sent"] = message["Subject"]


def test_starttls_verifies_the_server_certificate(monkeypatch) -> None:
    monkeypatch.setattr(smtplib, "SMTP", _FakeSmtp)
    Email("smtp.test", 587, "a@b.test", ("c@d.test",), username="u", password="pw", starttls=True).send(ALERT)
    context = _FakeSmtp.seen["context"]
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert _FakeSmtp.seen["login"] == "u" and "a run failed" in _FakeSmtp.seen["sent"]


def test_settings_repr_hides_the_database_password() -> None:
    settings = load_settings({"DATABASE_URL": "postgresql://dart:Hunter2Secret@db.test:5432/dart"})
    assert "Hunter2Secret" not in repr(settings)
