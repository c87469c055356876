"""Shared bits of the commands: settings from --config/env, one-line errors, the question log."""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from bot.config import Settings
    from bot.store import Store, StoreReader

T = TypeVar("T")


def tolerant_stdin() -> None:
    """Read standard input with undecodable bytes replaced (U+FFFD), whatever the locale or
    ``PYTHONIOENCODING`` says: a stray byte is one odd question, not a UnicodeDecodeError
    that ends the whole batch. Output gets the same treatment for echoed text."""
    for stream in (sys.stdin, sys.stdout):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")


def add_config_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, default=None, help="config file (YAML)")


def load(args: argparse.Namespace, prefix: str = "careerbot") -> Settings | None:
    """Settings from ``--config``/``$CAREERBOT_CONFIG``/``config.yaml`` and the environment,
    or None after printing the problem on one line (``<prefix>: config.yaml:7: …``)."""
    from bot.config import ConfigError, config_path, load_settings

    try:
        return load_settings(config_path(args.config, os.environ), os.environ)
    except ConfigError as exc:
        print(f"{prefix}: {exc}", file=sys.stderr)
        return None


def database_path(args: argparse.Namespace) -> Path | None:
    """``--database`` if given, else the configured ``database_path`` (None: bad config)."""
    if args.database is not None:
        return Path(args.database)
    settings = load(args)
    return settings.database_path if settings else None


def add_store_arguments(parser: argparse.ArgumentParser, *, limit: int, what: str) -> None:
    """Options shared by the commands that read the question log (stats, gaps)."""
    add_config_argument(parser)
    parser.add_argument("--database", type=Path, default=None, help="SQLite file (else config)")
    parser.add_argument("--limit", type=int, default=limit, help=f"{what} (default {limit})")
    parser.add_argument("--json", action="store_true", help="print JSON")


def read_store(args: argparse.Namespace, reader: Callable[[StoreReader], Awaitable[T]]) -> T | int:
    """Open the configured question log read-only, run ``reader`` on it, close it.

    Never writes (no migration, no WAL switch, no salt): works on a read-only copy and leaves
    an empty or foreign file as it is. Returns the reader's result, or an exit code after
    printing a one-line reason (2: bad configuration, 1: no usable database).
    """
    import asyncio
    import sqlite3

    from bot.store import StoreUnavailable
    from bot.store.sqlite_read import SqliteReader
    from bot.store.sqlite_schema import unusable

    if args.database is None:
        settings = load(args)
        if settings is None:
            return 2
        if settings.database_url is not None:
            return _read_shared(settings, reader)
    path = database_path(args)
    if path is None:
        return 2
    if not path.exists():
        print(f"careerbot: no database at {path} (nothing asked yet?)", file=sys.stderr)
        return 1

    async def read() -> T:
        store = await SqliteReader.open(path)
        try:
            return await reader(store)
        finally:
            await store.close()

    try:
        return asyncio.run(read())
    except StoreUnavailable as exc:
        print(f"careerbot: {exc}", file=sys.stderr)
    except (sqlite3.Error, OSError) as exc:
        print(f"careerbot: {unusable(path, exc)}", file=sys.stderr)
    return 1


def _read_shared(settings: Settings, reader: Callable[[Store], Awaitable[T]]) -> T | int:
    """``read_store`` on the PostgreSQL log: one line and exit code 1 when it is unusable."""
    import asyncio

    from bot.store.factory import open_store
    from bot.store.postgres import PostgresUnavailable

    async def read() -> T:
        store = await open_store(settings)
        try:
            return await reader(store)
        finally:
            await store.close()

    try:
        return asyncio.run(read())
    except PostgresUnavailable as exc:
        print(f"careerbot: {exc}", file=sys.stderr)
        return 1
