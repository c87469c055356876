"""Shared bits of the store/sync commands: settings from --config/env, one-line errors."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import Settings


def add_config_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, default=None, help="config file (YAML)")


def load(args: argparse.Namespace) -> Settings | None:
    """Settings as ``run`` reads them, or None after printing the problem on one line."""
    from bot.config import ConfigError, config_path, load_settings

    try:
        return load_settings(config_path(args.config, os.environ), os.environ)
    except ConfigError as exc:
        print(f"careerbot: {exc}", file=sys.stderr)
        return None


def database_path(args: argparse.Namespace) -> Path | None:
    """``--database`` if given, else the configured ``database_path`` (None: bad config)."""
    if args.database is not None:
        return Path(args.database)
    settings = load(args)
    return settings.database_path if settings else None
