"""The KRX Open API as a Dagster resource."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import sqlalchemy as sa

from dart_assets.sources.krx.client import KrxClient


class KrxResource(dg.ConfigurableResource):
    """The KRX Open API from the environment (KRX_API_KEY, KRX_API_BASE_URL); calls are counted
    against the key's daily budget in dart_ops.api_quota_usage, like OpenDART's."""

    @contextmanager
    def client(self, engine: sa.Engine) -> Iterator[KrxClient]:
        with KrxClient.from_settings(engine=engine) as client:
            yield client
