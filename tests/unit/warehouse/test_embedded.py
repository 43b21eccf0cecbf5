"""The embedded server's import prints nothing on a console without XDG_RUNTIME_DIR."""

import os
import subprocess
import sys


def test_pgserver_import_warns_nothing_without_xdg_runtime_dir() -> None:
    env = {k: v for k, v in os.environ.items() if k != "XDG_RUNTIME_DIR"}
    code = "from dart_assets.warehouse.embedded import import_pgserver; import_pgserver()"
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Warning" not in done.stderr, done.stderr
