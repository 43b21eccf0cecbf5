"""`dart-fg` subcommands of the dart concern."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Placeholder until the dart subcommands land."""
