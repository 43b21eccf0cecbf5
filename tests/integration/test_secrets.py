"""Secrets never leave the process: the DART key, the alert webhook URLs (Slack's is a
credential), the SMTP password and the database password appear in no log record, exception,
alert body, run metadata, table of the database (warehouse and Dagster's own storage, which is
what the UI shows), archive or health report — including runs that fail, a webhook that fails
and a login over verified STARTTLS."""

from __future__ import annotations

import json
import logging
import socket
import ssl
import subprocess
import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import dagster as dg
import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from dagster._core.events import DagsterEventType
from dagster._serdes import serialize_value

from dart_assets.alerting.sensors import alert_outbox, breaker_alerts
from dart_assets.cli import main as dart_fg
from dart_assets.core.logs import JsonFormatter
from dart_assets.core.partitions import CORP_CODES_KEY, DISCLOSURES_KEY
from dart_assets.core.settings import get_settings
from dart_assets.recovery.sensors import run_failure_alerts
from dart_assets.sources.defs import defs
from simulators.server import Faults, SimulatorConfig, run_simulator

SECRET = "Zq9XsEcReT" * 4  # 40 alphanumerics, easy to spot in any text
SLACK_TOKEN = "T0SLACKSEKRIT/B0SLACKSEKRIT/xoxbSlackHookToken77"
JSON_TOKEN = "JsonHookSekritToken88"
SMTP_PASSWORD = "SmtpPassw0rdSekrit99"
DB_PASSWORD = "DbPassw0rdSekrit66"


@pytest.fixture
def password_db_url(db_url: str) -> Iterator[str]:
    """The migrated test database, reached as a role with a distinctive password that owns it."""
    role = f"dart_pw_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(db_url, isolation_level="AUTOCOMMIT")
    url = sa.engine.make_url(db_url)
    with admin.connect() as conn:
        conn.execute(sa.text(f"CREATE ROLE {role} LOGIN PASSWORD '{DB_PASSWORD}'"))
        conn.execute(sa.text(f'ALTER DATABASE "{url.database}" OWNER TO {role}'))
        for schema in conn.execute(sa.text("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'dart%'")).scalars():
            conn.execute(sa.text(f"GRANT ALL ON SCHEMA {schema} TO {role}"))
            conn.execute(sa.text(f"GRANT ALL ON ALL TABLES IN SCHEMA {schema} TO {role}"))
            conn.execute(sa.text(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA {schema} TO {role}"))
    role_url = url.set(username=role, password=DB_PASSWORD).render_as_string(hide_password=False)
    try:
        yield role_url
    finally:
        with admin.connect() as conn:
            conn.execute(
                sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = :r"), {"r": role}
            )
            conn.execute(sa.text(f"REASSIGN OWNED BY {role} TO CURRENT_USER"))
            conn.execute(sa.text(f"DROP OWNED BY {role}"))
            conn.execute(sa.text(f"DROP ROLE {role}"))
        admin.dispose()


@pytest.fixture
def hooks() -> Iterator[tuple[str, list[dict]]]:
    """An HTTP receiver: 200 for the Slack path, 500 for the JSON webhook (a failing channel)."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            received.append(json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0)))))
            self.send_response(500 if JSON_TOKEN in self.path else 200)
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.logins: list[bytes] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd hook)
        self.messages.append(envelope.content)
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        self.logins.append(auth_data.password)
        return AuthResult(success=auth_data.password == SMTP_PASSWORD.encode())


@pytest.fixture
def tls_smtp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[int, _Mailbox]]:
    """SMTP on localhost that requires STARTTLS before AUTH, with a certificate the client
    trusts through SSL_CERT_FILE, so the channel's verifying context completes a real login."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    box = _Mailbox()
    controller = Controller(
        box,
        hostname="localhost",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=box.authenticate,
        auth_require_tls=True,
    )
    controller.start()
    try:
        yield port, box
    finally:
        controller.stop()


def _database_text(url: str) -> str:
    """Every row of every table outside the system schemas, as text."""
    engine = sa.create_engine(url)
    parts = []
    with engine.connect() as conn:
        tables = conn.execute(
            sa.text(
                "select table_schema, table_name from information_schema.tables "
                "where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')"
            )
        ).all()
        for schema, table in tables:
            rows = conn.execute(sa.text(f'select t::text from "{schema}"."{table}" t')).scalars()
            parts.extend(rows)
    engine.dispose()
    assert len(tables) > 20, "expected the warehouse and Dagster's storage in one database"
    return "\n".join(parts)


def _files_text(root: Path) -> str:
    import gzip

    texts = []
    for path in root.rglob("*"):
        if path.is_file():
            opener = gzip.open if path.suffix == ".gz" else open
            with opener(path, "rt", errors="replace") as handle:
                texts.append(handle.read())
    return "\n".join(texts)


def _configure_alerts(dart_env: Path, monkeypatch: pytest.MonkeyPatch, hook_base: str, smtp_port: int) -> None:
    """Every channel kind, secrets in the environment as deploy/DEPLOY.md says."""
    config = dart_env / "ops.yaml"
    config.write_text(
        f"""
channels:
  - {{type: slack, url_env: DART_FG_TEST_SLACK}}
  - {{type: webhook, url_env: DART_FG_TEST_JSON}}
  - type: email
    host: localhost
    port: {smtp_port}
    starttls: true
    username: dart-fg
    password_env: DART_FG_TEST_SMTP_PASSWORD
    from: dart-fg@example.test
    to: [oncall@example.test]
"""
    )
    monkeypatch.setenv("DART_FG_ALERTS_CONFIG", str(config))
    monkeypatch.setenv("DART_FG_TEST_SLACK", f"{hook_base}/services/{SLACK_TOKEN}")
    monkeypatch.setenv("DART_FG_TEST_JSON", f"{hook_base}/hooks/{JSON_TOKEN}")
    monkeypatch.setenv("DART_FG_TEST_SMTP_PASSWORD", SMTP_PASSWORD)


def test_secrets_appear_nowhere_after_good_and_failing_runs_and_their_alerts(
    dart_env: Path,
    password_db_url: str,
    hooks,
    tls_smtp,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys,
) -> None:
    caplog.set_level(logging.DEBUG)
    db_url = password_db_url
    monkeypatch.setenv("DATABASE_URL", db_url)
    hook_base, hook_bodies = hooks
    smtp_port, mailbox = tls_smtp
    _configure_alerts(dart_env, monkeypatch, hook_base, smtp_port)
    home = dart_env / "dagster_home"  # dart-fg health reads the same instance (sensor ticks)
    home.mkdir()
    (home / "dagster.yaml").write_text("storage:\n  postgres:\n    postgres_url:\n      env: DATABASE_URL\n")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    faults = Faults(error_rate=0.2, malformed_rate=0.1)
    assets = {a.key: a for a in defs.assets}
    with (
        run_simulator(SimulatorConfig(faults=faults, valid_keys={SECRET}, daily_volume=120, seed=7)) as sim,
        dg.instance_for_test(overrides={"storage": {"postgres": {"postgres_url": db_url}}}) as instance,
    ):
        monkeypatch.setenv("DART_API_BASE_URL", sim.base_url)
        monkeypatch.setenv("DART_API_KEY", SECRET)
        monkeypatch.setenv("DART_FG_REQUESTS_PER_SECOND", "1000")
        get_settings.cache_clear()
        good = dg.materialize(
            [assets[DISCLOSURES_KEY]], resources=defs.resources, instance=instance, partition_key="2026-09-15"
        )
        assert good.success
        corp = dg.materialize([assets[CORP_CODES_KEY]], resources=defs.resources, instance=instance)
        assert corp.success
        # Failing runs: the daily quota runs out, then DART stops answering at all.
        sim.config.faults = Faults(quota=1)
        sim.reset_quota()
        quota = dg.materialize(
            [assets[DISCLOSURES_KEY]],
            resources=defs.resources,
            instance=instance,
            partition_key="2026-09-16",
            raise_on_error=False,
        )
        sim.config.faults = Faults(maintenance=True)
        down = dg.materialize(
            [assets[DISCLOSURES_KEY]],
            resources=defs.resources,
            instance=instance,
            partition_key="2026-09-17",
            raise_on_error=False,
        )
        assert not quota.success and not down.success
        # The failure alert of the last run, the breaker's, then delivery: Slack answers 200,
        # the JSON webhook 500 (its failure is logged), email logs in over verified STARTTLS.
        failure = next(e.dagster_event for e in instance.all_logs(down.run_id, of_type=DagsterEventType.RUN_FAILURE))
        run_failure_alerts(
            dg.build_run_status_sensor_context(
                "run_failure_alerts", failure, instance, instance.get_run_by_id(down.run_id)
            ).for_run_failure()
        )
        breaker_alerts(dg.build_sensor_context(instance=instance))
        alert_outbox(dg.build_sensor_context(instance=instance))
        events = [
            serialize_value(entry) for run in (good, corp, quota, down) for entry in instance.all_logs(run.run_id)
        ]
        failures = [str(e.step_failure_data.error) for r in (quota, down) for e in r.get_step_failure_events()]
    assert any("quota" in f.lower() for f in failures), failures
    assert dart_fg(["health"]) in (0, 1)
    # The CLI again with its logs as JSON lines (on stderr, checked below with the CLI output).
    monkeypatch.setenv("DART_FG_LOG_FORMAT", "json")
    root, before, level = logging.getLogger(), list(logging.getLogger().handlers), logging.getLogger().level
    try:
        assert dart_fg(["health"]) in (0, 1)
        assert dart_fg(["metrics"]) == 0
    finally:
        for handler in [h for h in root.handlers if h not in before]:
            root.removeHandler(handler)
        root.setLevel(level)
    output = capsys.readouterr()
    assert "dart_fg_warehouse_up 1.0" in output.out  # dart-fg metrics: key fingerprints only

    assert {b["kind"] for b in hook_bodies} >= {"run_failure"} and mailbox.messages, "no alert was delivered"
    assert mailbox.logins == [SMTP_PASSWORD.encode()], "the email channel did not log in over STARTTLS"
    log_text = "\n".join(caplog.handler.format(r) for r in caplog.records)
    # Every record as DART_FG_LOG_FORMAT=json writes it: tracebacks and Dagster's run fields too.
    json_log_text = "\n".join(JsonFormatter().format(r) for r in caplog.records)
    assert "alert channel webhook failed" in log_text and "HTTP 500" in log_text

    texts = {
        "log records": log_text,
        "log records as JSON lines": json_log_text,
        "alert bodies (webhooks and email)": json.dumps(hook_bodies) + "\n".join(m.decode() for m in mailbox.messages),
        "dagster events and run metadata": "\n".join(events),
        "step failures": "\n".join(failures),
        "database (warehouse + Dagster storage)": _database_text(db_url),
        "archives and local state": _files_text(dart_env / "home"),
        "cli output": output.out + output.err,
    }
    assert texts["database (warehouse + Dagster storage)"], "nothing was stored"
    secrets = {
        "DART key": SECRET,
        "Slack webhook URL": SLACK_TOKEN,
        "JSON webhook URL": JSON_TOKEN,
        "SMTP password": SMTP_PASSWORD,
        "database password": DB_PASSWORD,
    }
    leaks = [
        f"{name} in {where}" for name, secret in secrets.items() for where, text in texts.items() if secret in text
    ]
    assert not leaks, f"leaked: {leaks}"
