"""Alert receivers on 127.0.0.1: an HTTP webhook endpoint and an SMTP server (aiosmtpd)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import dagster as dg
import pytest
from aiosmtpd.controller import Controller

from dart_assets.core.settings import get_settings


@dataclass
class Webhook:
    url: str
    bodies: list[dict] = field(default_factory=list)

    def by_path(self, path: str) -> list[dict]:
        return [b["body"] for b in self.bodies if b["path"] == path]


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("Content-Length", 0))
            received.append({"path": self.path, "body": json.loads(self.rfile.read(length))})
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Webhook(f"http://127.0.0.1:{server.server_address[1]}", received)
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Mailbox:
    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)


class _Collect:
    def __init__(self, box: Mailbox) -> None:
        self.box = box

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd hook)
        self.box.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[Mailbox]:
    box = Mailbox("127.0.0.1", _free_port())
    controller = Controller(_Collect(box), hostname=box.host, port=box.port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@dataclass
class AlertSinks:
    webhook: Webhook
    smtp: Mailbox

    def statuses(self, incident_key: str) -> dict[str, list[str]]:
        """What each channel received for one incident ("open"/"resolved"), in order, once the
        alert_outbox sensor has delivered what is due."""
        from dart_assets.alerting.sensors import alert_outbox

        alert_outbox(dg.build_sensor_context())
        return {
            "slack": [b["status"] for b in self.webhook.by_path("/slack") if b["incident_key"] == incident_key],
            "json": [b["status"] for b in self.webhook.by_path("/json") if b["incident_key"] == incident_key],
            "email": [
                "resolved" if m["Subject"].startswith("[dart-fg RESOLVED]") else "open"
                for m in self.smtp.messages
                if f"incident: {incident_key}" in m.get_content()
            ],
        }


@pytest.fixture
def alert_env(dart_env: Path, monkeypatch: pytest.MonkeyPatch, webhook: Webhook, smtp: Mailbox) -> AlertSinks:
    """Every channel configured: Slack-compatible and JSON webhooks (env + YAML) and email."""
    config = dart_env / "ops.yaml"
    config.write_text(
        f"""
channels:
  - type: webhook
    url: {webhook.url}/json
  - type: email
    host: {smtp.host}
    port: {smtp.port}
    from: dart-fg@example.test
    to: [oncall@example.test]
"""
    )
    monkeypatch.setenv("DART_FG_ALERTS_CONFIG", str(config))
    monkeypatch.setenv("DART_FG_ALERT_WEBHOOK_URL", f"{webhook.url}/slack")
    get_settings.cache_clear()
    return AlertSinks(webhook, smtp)
