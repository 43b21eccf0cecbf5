"""Operator actions in dart_ops.audit_log: who, when, what. Other concerns call record_action."""

from __future__ import annotations

import argparse
import getpass
import json
import os
from typing import Any

import sqlalchemy as sa


def default_actor() -> str:
    """$USER, else the login name; operators may pass --actor to name themselves explicitly."""
    return os.environ.get("USER") or getpass.getuser()


def add_actor_argument(parser: argparse.ArgumentParser) -> None:
    """`--actor` on every command that changes something, so its audit row names a person."""
    parser.add_argument("--actor", default=default_actor(), help="who is acting, for the audit log (default: $USER)")


def record_action(
    conn: sa.Connection, actor: str, action: str, target: str | None = None, details: dict[str, Any] | None = None
) -> int:
    """Write one audit row inside the caller's transaction, so the action and its record commit together."""
    return conn.execute(
        sa.text(
            "INSERT INTO dart_ops.audit_log (actor, action, target, details) "
            "VALUES (:actor, :action, :target, CAST(:details AS jsonb)) RETURNING id"
        ),
        {"actor": actor, "action": action, "target": target, "details": json.dumps(details or {}, default=str)},
    ).scalar_one()
