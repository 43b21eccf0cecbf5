"""Where alerts go: a Slack-compatible webhook, a generic JSON webhook, email (SMTP), the log.

A channel that fails to deliver is logged and skipped, so one broken channel never stops the
others or the sensor that raised the alert.
"""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
from dataclasses import asdict, dataclass, field
from datetime import datetime
from email.message import EmailMessage
from typing import Any, Protocol

import httpx
from tenacity import retry, stop_after_attempt, wait_exponential

from dart_assets.core.settings import SettingsError

log = logging.getLogger("dart_fg.alerts")


@dataclass(frozen=True)
class Alert:
    """One message about one incident: `status` is "open" (alert) or "resolved" (recovery)."""

    incident_key: str
    kind: str
    status: str
    summary: str
    at: datetime
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str:
        prefix = "RESOLVED" if self.status == "resolved" else "ALERT"
        return f"[dart-fg {prefix}] {self.kind}: {self.summary}"

    def as_json(self) -> dict[str, Any]:
        body = asdict(self)
        body["at"] = self.at.isoformat()
        return body


class Channel(Protocol):
    @property
    def name(self) -> str: ...

    def send(self, alert: Alert) -> None: ...


class _WebhookTransport(httpx.HTTPTransport):
    """Puts the real webhook URL on the request below httpx's client, whose INFO line
    ("HTTP Request: POST <url>") would otherwise log the token a webhook URL carries."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self._url = httpx.URL(url)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        # A copy: the client logs the request object it sent once this returns.
        real = httpx.Request(
            request.method, self._url, headers=request.headers, content=request.content, extensions=request.extensions
        )
        return super().handle_request(real)


@retry(stop=stop_after_attempt(3), wait=wait_exponential(multiplier=0.5, max=4), reraise=True)
def _post_json(url: str, body: dict[str, Any]) -> None:
    shown = httpx.URL(url).copy_with(path="/<webhook>", query=None)  # same host, no token
    with httpx.Client(transport=_WebhookTransport(url), timeout=10.0) as client:
        client.post(shown, json=body).raise_for_status()


@dataclass(frozen=True)
class SlackWebhook:
    """Slack (and Mattermost, Teams' Slack mode...) read `text`; the rest is for machines."""

    url: str = field(repr=False)
    name: str = "slack"

    def send(self, alert: Alert) -> None:
        _post_json(self.url, {"text": alert.title, **alert.as_json()})


@dataclass(frozen=True)
class JsonWebhook:
    url: str = field(repr=False)
    name: str = "webhook"

    def send(self, alert: Alert) -> None:
        _post_json(self.url, alert.as_json())


@dataclass(frozen=True)
class Email:
    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False
    name: str = "email"

    def send(self, alert: Alert) -> None:
        message = EmailMessage()
        message["Subject"] = alert.title
        message["From"] = self.sender
        message["To"] = ", ".join(self.recipients)
        lines = [alert.summary, "", f"incident: {alert.incident_key}", f"at: {alert.at.isoformat()}"]
        lines += [f"{k}: {v}" for k, v in alert.details.items()]
        message.set_content("\n".join(lines))
        with smtplib.SMTP(self.host, self.port, timeout=10) as smtp:
            if self.starttls:
                # The default context verifies the server's certificate and host name; without
                # it STARTTLS only hides the password from passive listeners.
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                if not self.starttls:  # build_channel refuses this; kept as the last line of defence
                    raise SettingsError("SMTP login without STARTTLS would send the password in clear text")
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


@dataclass(frozen=True)
class LogChannel:
    name: str = "log"

    def send(self, alert: Alert) -> None:
        level = logging.INFO if alert.status == "resolved" else logging.WARNING
        log.log(level, "%s (%s) %s", alert.title, alert.incident_key, alert.details)


def _url(spec: dict[str, Any], position: int) -> str:
    url = str(spec.get("url") or "")
    if not re.match(r"^https?://", url):
        raise SettingsError(f"alert channel #{position} ({spec.get('type')}): needs an http(s) url or url_env")
    return url


def build_channel(spec: dict[str, Any], position: int) -> Channel:
    """One channel from its config entry (see dart_assets.alerting.config for the format)."""
    kind = spec.get("type")
    if kind == "slack":
        return SlackWebhook(_url(spec, position))
    if kind == "webhook":
        return JsonWebhook(_url(spec, position))
    if kind == "email":
        recipients = spec.get("to") or []
        if isinstance(recipients, str):
            recipients = [recipients]
        if not spec.get("host") or not recipients:
            raise SettingsError(f"alert channel #{position} (email): needs host and at least one 'to' address")
        password = spec.get("password") or None
        if (spec.get("username") or password) and not spec.get("starttls", False):
            raise SettingsError(
                f"alert channel #{position} (email): a username/password needs starttls: true "
                "(the password would otherwise cross the network in clear text)"
            )
        return Email(
            host=str(spec["host"]),
            port=int(spec.get("port") or 25),
            sender=str(spec.get("from") or "dart-fg@localhost"),
            recipients=tuple(str(r) for r in recipients),
            username=spec.get("username") or None,
            password=password,
            starttls=bool(spec.get("starttls", False)),
        )
    if kind == "log":
        return LogChannel()
    raise SettingsError(f"alert channel #{position}: unknown type {kind!r} (slack, webhook, email, log)")


def build_channels(specs: tuple[dict[str, Any], ...]) -> list[Channel]:
    """The configured channels, always including the log."""
    channels = [build_channel(spec, i + 1) for i, spec in enumerate(specs)]
    if not any(isinstance(c, LogChannel) for c in channels):
        channels.append(LogChannel())
    return channels


def failure_summary(exc: BaseException) -> str:
    """What a failed delivery may say in a log: the exception class and HTTP status only.

    Exception texts carry the webhook URL (a Slack webhook URL is a credential) or the SMTP
    server's reply; neither belongs in a log line.
    """
    response = getattr(exc, "response", None)
    status = f" HTTP {response.status_code}" if isinstance(response, httpx.Response) else ""
    return f"{type(exc).__name__}{status}"


def deliver(channels: list[Channel], alert: Alert) -> list[str]:
    """Send to every channel; returns the names that failed (logged without their details)."""
    failed = []
    for channel in channels:
        try:
            channel.send(alert)
        except Exception as exc:  # one broken channel must not silence the others
            failed.append(channel.name)
            log.error("alert channel %s failed for %s: %s", channel.name, alert.incident_key, failure_summary(exc))
    return failed
