"""`dart-fg db ...`: migrations and connection details."""

from __future__ import annotations

import argparse

from dart_assets.warehouse.db import resolve_database_url
from dart_assets.warehouse.migrate import upgrade


def _upgrade(args: argparse.Namespace) -> int:
    upgrade()
    print("dart-fg: migrations applied (dart_raw, dart_ops at head)")
    return 0


def _url(args: argparse.Namespace) -> int:
    # Starts the embedded server when DATABASE_URL is unset, so shells and Make can export it.
    print(resolve_database_url())
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    db = subparsers.add_parser("db", help="warehouse database tasks")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply migrations (idempotent)").set_defaults(func=_upgrade)
    db_sub.add_parser("url", help="print the warehouse URL, starting the embedded server if needed").set_defaults(
        func=_url
    )
