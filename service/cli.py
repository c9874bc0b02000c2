"""Service commands for the ``screener`` CLI (registered through the ``screener.commands`` entry point)."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the service's subcommands to the ``screener`` command line."""
