"""One OpenDART simulator for the dart integration tests, its faults reset before each test.

The simulator's data set takes seconds to load the first time, so it is shared by the module
(session) instead of being started per test; each test gets it with faults off, the request
log and quota counters cleared, and any key accepted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from dart_assets.dart import DartClient
from dart_assets.simulator.server import Faults, SimulatorConfig, SimulatorHandle, run_simulator

KEY = "S3cr3tK3y" * 4 + "Abcd"  # 40 alphanumerics, unmistakable if it leaks
OTHER_KEY = "0therK3y" * 5
VOLUME = 250  # filings per business day: 3 pages


@pytest.fixture(scope="session")
def _simulator() -> Iterator[SimulatorHandle]:
    with run_simulator(SimulatorConfig(daily_volume=VOLUME, seed=42)) as sim:
        # Load the simulator's data set and build its corpCode.xml once, outside any test's timeout.
        for endpoint, params in (("list.json", {"bgn_de": "20260915"}), ("corpCode.xml", {})):
            httpx.get(f"{sim.base_url}/{endpoint}", params={"crtfc_key": KEY, **params}, timeout=120)
        yield sim


@pytest.fixture
def sim(_simulator: SimulatorHandle) -> SimulatorHandle:
    _simulator.config.faults = Faults()
    _simulator.config.valid_keys = None
    _simulator.requests.clear()
    _simulator.reset_quota()
    return _simulator


@pytest.fixture
def dart(sim: SimulatorHandle) -> Iterator[Callable[..., DartClient]]:
    """Builds clients on the simulator: fast backoff, no rate ceiling to speak of."""
    clients: list[DartClient] = []

    def build(keys: tuple[str, ...] = (KEY,), **options) -> DartClient:
        options = {"requests_per_second": 1000, "backoff_base_s": 0.01, "backoff_max_s": 0.05, "timeout": 5.0, **options}
        client = DartClient(list(keys), sim.base_url, **options)
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()


@pytest.fixture
def keys():
    import types

    return types.SimpleNamespace(KEY=KEY, OTHER_KEY=OTHER_KEY, VOLUME=VOLUME)
