"""`dart-fg` subcommands of the automation concern."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Placeholder until the automation subcommands land."""
