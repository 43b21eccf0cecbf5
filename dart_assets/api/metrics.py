"""`/metrics`: the read API's request metrics and the warehouse state, in Prometheus format.

Each app has a registry of its own (two apps in one process, as in the tests, never share
counters): request count and latency per method, route template and status, measured by an ASGI
middleware outside every other (the per-address 429s and the 500s are counted too), plus the
warehouse collector that `dart-fg metrics` also uses (ops/metrics.py) and the process's
CPU, memory and file descriptors.

Routes are labelled by their template (`/api/dart/admin/{...}` as declared), never by the raw
path, and unknown paths as `unmatched`, so a scanner cannot grow the series without bound.

Access, as operators usually run Prometheus: open by default, like `/api/dart/health`, and
counted against the same per-address limit as every request. `DART_FG_METRICS_TOKEN` makes it
require `Authorization: Bearer <token>` (Prometheus's `authorization` scrape option);
`DART_FG_METRICS=off` removes the route. Nothing in it is a secret: keys are named by their
fingerprint, errors by their class.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable

import sqlalchemy as sa
from fastapi import FastAPI, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    ProcessCollector,
    generate_latest,
)
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dart_assets.api.errors import ApiError
from dart_assets.ops.metrics import WarehouseCollector

METRICS_PATH = "/metrics"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"
# Latency buckets for a read API answering from PostgreSQL: 5 ms .. 10 s.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class RequestMetrics:
    """The request families of one app, in its registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        labels = ("method", "route", "status")
        self.requests = Counter(
            "dart_fg_http_requests",
            "HTTP requests answered, by method, route template and status",
            labels,
            registry=registry,
        )
        self.latency = Histogram(
            "dart_fg_http_request_duration_seconds",
            "Time to answer, by method, route template and status",
            labels,
            registry=registry,
            buckets=BUCKETS,
        )

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        labels = (method if method in METHODS else "other", route, str(status))
        self.requests.labels(*labels).inc()
        self.latency.labels(*labels).observe(seconds)


def route_template(app: FastAPI, scope: Scope) -> str:
    """The template of the route that served (or would serve) the request."""
    route = scope.get("route")
    if route is None:  # answered before routing (a 429 of the guard): find what it asked for
        for candidate in app.router.routes:
            match, _ = candidate.matches(scope)
            if match is Match.FULL:
                route = candidate
                break
    return getattr(route, "path", None) or UNMATCHED


class MetricsMiddleware:
    """Times every HTTP request and counts it by route template and status."""

    def __init__(self, app: ASGIApp, *, metrics: RequestMetrics, routes: FastAPI) -> None:
        self.app, self.metrics, self.routes = app, metrics, routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500  # unless a response starts: an exception that escaped every handler
        started = time.perf_counter()

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            self.metrics.observe(
                scope.get("method", ""), route_template(self.routes, scope), status, time.perf_counter() - started
            )


def install_metrics(
    app: FastAPI,
    engine: sa.Engine | Callable[[], sa.Engine],
    *,
    enabled: bool | None = None,
    token: str | None = None,
    path: str = METRICS_PATH,
) -> CollectorRegistry:
    """Measure every request of `app` and, unless disabled, serve `path` from its own registry.

    `enabled` and `token` default to DART_FG_METRICS (anything but off/0/false/no) and
    DART_FG_METRICS_TOKEN. Add it after the other middleware: it then wraps them.
    """
    if enabled is None:
        enabled = os.environ.get("DART_FG_METRICS", "on").strip().lower() not in ("off", "0", "false", "no")
    if token is None:
        token = os.environ.get("DART_FG_METRICS_TOKEN") or None
    registry = CollectorRegistry()
    app.state.metrics_registry = registry
    app.add_middleware(MetricsMiddleware, metrics=RequestMetrics(registry), routes=app)
    if not enabled:
        return registry
    registry.register(WarehouseCollector(engine))
    ProcessCollector(registry=registry)
    expected = f"Bearer {token}".encode() if token else None

    @app.get(path, include_in_schema=False)
    def metrics(request: Request) -> Response:
        if expected is not None:
            given = request.headers.get("authorization", "").encode("latin-1", "replace")
            if not hmac.compare_digest(given, expected):
                raise ApiError(
                    401, "metrics need 'Authorization: Bearer <DART_FG_METRICS_TOKEN>'", {"WWW-Authenticate": "Bearer"}
                )
        return Response(
            generate_latest(registry), media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"}
        )

    return registry
