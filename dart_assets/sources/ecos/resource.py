"""Bank of Korea ECOS as a Dagster resource."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import sqlalchemy as sa

from dart_assets.sources.ecos.client import EcosClient


class EcosResource(dg.ConfigurableResource):
    """Bank of Korea ECOS from the environment (ECOS_API_KEY, ECOS_API_BASE_URL)."""

    @contextmanager
    def client(self, engine: sa.Engine) -> Iterator[EcosClient]:
        with EcosClient.from_settings(engine=engine) as client:
            yield client
