"""OpenDART as a Dagster resource."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import sqlalchemy as sa

from dart_assets.sources.dart.breaker import CircuitBreaker
from dart_assets.sources.dart.client import DartClient


class DartResource(dg.ConfigurableResource):
    """OpenDART from the environment (DART_API_KEY(S), DART_API_BASE_URL, rate and budget).

    The client counts its calls against the daily budget in `dart_ops.api_quota_usage` and
    shares the circuit breaker in `dart_ops.circuit_breaker`, so every run sees the same quota
    and the same view of DART's health.
    """

    @contextmanager
    def client(self, engine: sa.Engine) -> Iterator[DartClient]:
        client = DartClient.from_settings(engine=engine, breaker=CircuitBreaker(engine))
        try:
            yield client
        finally:
            client.close()
