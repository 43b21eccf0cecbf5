"""`dart-fg`: operator tasks that are not Dagster's.

Each concern registers its own subcommands (a `register(subparsers)` function in its
`commands` module), so this file only assembles them.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from dart_assets.core.logs import configure_logging
from dart_assets.core.settings import SettingsError

COMMAND_MODULES = (
    "dart_assets.warehouse.commands",
    "dart_assets.sources.dart.commands",
    "simulators.commands",
    "dart_assets.ops.commands",
    "dart_assets.api.commands",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dart-fg", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    configure_logging()  # DART_FG_LOG_FORMAT=json: JSON lines on stderr
    try:
        return int(args.func(args) or 0)
    except SettingsError as exc:
        print(f"dart-fg: configuration error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
