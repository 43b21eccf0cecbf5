"""`make docs`: generate the dbt docs (lineage, every model and column) and serve them locally.

The catalog needs the warehouse, so the connection comes from DATABASE_URL like every dbt run.
"""

from __future__ import annotations

import argparse
import subprocess

from dart_assets.transform.profile import DBT_PROJECT_DIR, apply_dbt_env
from dart_assets.transform.project import dbt_executable


def docs_commands(host: str, port: int) -> list[list[str]]:
    base = [dbt_executable()]
    common = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    return [
        base + ["docs", "generate", *common],
        base + ["docs", "serve", *common, "--host", host, "--port", str(port), "--no-browser"],
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Generate and serve the dbt docs on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--generate-only", action="store_true", help="write target/ and exit")
    args = parser.parse_args(argv)
    apply_dbt_env()
    generate, serve = docs_commands("127.0.0.1", args.port)
    subprocess.run(generate, check=True, cwd=DBT_PROJECT_DIR)
    if not args.generate_only:
        print(f"dbt docs on http://127.0.0.1:{args.port} (Ctrl-C to stop)", flush=True)
        subprocess.run(serve, check=True, cwd=DBT_PROJECT_DIR)


if __name__ == "__main__":
    main()
