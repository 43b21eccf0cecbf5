"""Build-time step (`make prepare`): parse the dbt project into target/manifest.json.

dagster-dbt reads the manifest when the code location loads; parsing there would cost seconds on
every load and needs a writable project, so it happens once here instead.
"""

from __future__ import annotations

from pathlib import Path

from dart_assets.transform.project import DBT_PROJECT, dbt_resource


def prepare() -> Path:
    """Run `dbt parse` into the project's target folder; returns the manifest's path."""
    dbt_resource().cli(["parse", "--quiet"], target_path=DBT_PROJECT.target_path).wait()
    return DBT_PROJECT.manifest_path


def main() -> None:
    print(prepare())


if __name__ == "__main__":
    main()
