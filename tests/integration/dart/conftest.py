"""A fresh OpenDART simulator per test, so each test sees its own seeded sequence of faults.

The simulator's data set (cached per process) takes seconds to load the first time: a session
fixture loads it once, outside any test's timeout; starting a simulator after that is cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from dart_assets.sources.dart import DartClient
from simulators.server import Faults, SimulatorConfig, SimulatorHandle, run_simulator

KEY = "S3cr3tK3y" * 4 + "Abcd"  # 40 alphanumerics, unmistakable if it leaks
OTHER_KEY = "0therK3y" * 5
VOLUME = 250  # filings per business day: 3 pages


def _config() -> SimulatorConfig:
    return SimulatorConfig(faults=Faults(), daily_volume=VOLUME, seed=42)


@pytest.fixture(scope="session")
def _simulator_data() -> None:
    with run_simulator(_config()) as sim:
        for endpoint, params in (("list.json", {"bgn_de": "20260915"}), ("corpCode.xml", {})):
            httpx.get(f"{sim.base_url}/{endpoint}", params={"crtfc_key": KEY, **params}, timeout=120)


@pytest.fixture
def sim(_simulator_data: None) -> Iterator[SimulatorHandle]:
    with run_simulator(_config()) as handle:
        yield handle


@pytest.fixture
def dart(sim: SimulatorHandle) -> Iterator[Callable[..., DartClient]]:
    """Builds clients on the simulator: fast backoff, no rate ceiling to speak of."""
    clients: list[DartClient] = []

    def build(keys: tuple[str, ...] = (KEY,), **options) -> DartClient:
        options = {
            "requests_per_second": 1000,
            "backoff_base_s": 0.01,
            "backoff_max_s": 0.05,
            "timeout": 5.0,
            **options,
        }
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
