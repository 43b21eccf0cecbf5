"""The architecture as import contracts (pyproject.toml, [tool.importlinter]): every package
imports only the layers below it, and the simulators share no code with the product."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _other_loggers_stay_enabled() -> Iterator[None]:
    """lint_imports configures its logging with dictConfig, which disables every logger that
    exists by then (httpx's, the clients'): later tests that read those logs would see none."""
    enabled = [
        logger
        for logger in logging.root.manager.loggerDict.values()
        if isinstance(logger, logging.Logger) and not logger.disabled
    ]
    yield
    for logger in enabled:
        logger.disabled = False


def test_the_project_keeps_its_import_contracts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    assert lint_imports(config_filename=str(REPO / "pyproject.toml"), no_cache=True, no_logo=True) == 0


def test_a_back_edge_breaks_the_layers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same kind of contract fails on a package whose lower layer imports an upper one."""
    package = tmp_path / "house"
    for name, body in {"__init__": "", "core": "from house import api\n", "api": "from house import core\n"}.items():
        package.mkdir(exist_ok=True)
        (package / f"{name}.py").write_text(body)
    config = tmp_path / "contracts.toml"
    config.write_text(
        '[tool.importlinter]\nroot_packages = ["house"]\n\n'
        '[[tool.importlinter.contracts]]\nname = "layers"\ntype = "layers"\nlayers = ["house.api", "house.core"]\n'
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "house", raising=False)
    assert lint_imports(config_filename=str(config), no_cache=True, no_logo=True) == 1
