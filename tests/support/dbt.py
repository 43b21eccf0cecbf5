"""dbt as a subprocess for tests and benchmarks, apart from the product's target/ folder."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from dart_assets.transform.profile import DBT_PROJECT_DIR, dbt_env
from dart_assets.transform.project import dbt_executable


def run_dbt(args: list[str], url: str, target_dir: Path, timeout_s: float = 900) -> subprocess.CompletedProcess:
    """dbt as a subprocess against `url`, its artifacts and logs under target_dir.

    For tests and benchmarks, which must not touch the shared target/ folder that holds the
    manifest Dagster loads, nor the caller's environment.
    """
    env = {**os.environ, **dbt_env(url), "DBT_TARGET_PATH": str(target_dir), "DBT_LOG_PATH": str(target_dir)}
    return subprocess.run(
        [dbt_executable(), *args, "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout_s,
    )
