"""Fixtures for the ingestion tests: the OpenDART simulator wired into the settings, and a way
to materialize the real assets (with their checks) in process against the test database."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import dagster as dg
import pytest

from dart_assets.core.settings import get_settings
from dart_assets.sources.defs import ASSET_CHECKS, defs
from simulators.server import Faults, SimulatorConfig, SimulatorHandle, run_simulator

DAILY_VOLUME = 150  # filings per business day: enough for paging (100 a page), quick to load


@dataclass
class Run:
    """One in-process run: the result, metadata per partition (None when unpartitioned), checks."""

    result: dg.ExecuteInProcessResult
    metadata: dict[str | None, dict] = field(default_factory=dict)
    checks: dict[str, bool] = field(default_factory=dict)

    @property
    def failure(self):
        return self.result.get_step_failure_events()[0].step_failure_data.user_failure_data


Materialize = Callable[..., Run]


@pytest.fixture
def sim(dart_env, monkeypatch: pytest.MonkeyPatch) -> Iterator[SimulatorHandle]:
    """A fresh simulator; the client talks to it without a rate ceiling."""
    with run_simulator(SimulatorConfig(faults=Faults(), daily_volume=DAILY_VOLUME, seed=42)) as handle:
        monkeypatch.setenv("DART_API_BASE_URL", handle.base_url)
        monkeypatch.setenv("DART_FG_REQUESTS_PER_SECOND", "1000")
        get_settings.cache_clear()
        yield handle
    get_settings.cache_clear()


@pytest.fixture
def materialize(sim: SimulatorHandle) -> Materialize:
    """materialize(asset_key, first[, last], raise_on_error=True): one run over the partition range."""
    assets = {a.key: a for a in defs.assets}

    def run(key: dg.AssetKey, first: str | None = None, last: str | None = None, *, raise_on_error: bool = True):
        checks = [c for c in ASSET_CHECKS if next(iter(c.check_keys)).asset_key == key]
        tags = {}
        if first is not None:
            tags = {"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last or first}
        result = dg.materialize(
            [assets[key], *checks], resources=defs.resources, tags=tags, raise_on_error=raise_on_error
        )
        return Run(
            result,
            {
                e.materialization.partition: {k: v.value for k, v in e.materialization.metadata.items()}
                for e in result.get_asset_materialization_events()
            },
            {e.check_name: e.passed for e in result.get_asset_check_evaluations()},
        )

    return run
