"""`dart-fg` subcommands of the simulator concern."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Placeholder until the simulator subcommands land."""
