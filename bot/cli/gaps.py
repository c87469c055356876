"""``python -m bot gaps``: questions the bot could not answer, grouped, most asked first."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from bot.cli._common import add_config_argument, database_path

HELP = "List unanswered questions (grouped by normalised text) to guide new knowledge."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)
    parser.add_argument("--database", type=Path, default=None, help="SQLite file (else config)")
    parser.add_argument("--limit", type=int, default=20, help="groups to show (default 20)")
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    import asyncio

    from bot.store import Gap
    from bot.store.sqlite import SqliteStore

    path = database_path(args)
    if path is None:
        return 2
    if not path.exists():
        print(f"careerbot: no database at {path} (nothing asked yet?)", file=sys.stderr)
        return 1

    async def read() -> list[Gap]:
        store = await SqliteStore.open(path)
        try:
            return await store.gaps(limit=args.limit)
        finally:
            await store.close()

    gaps = asyncio.run(read())
    if args.json:
        print(json.dumps([asdict(g) for g in gaps], indent=2))
        return 0
    if not gaps:
        print("No unanswered questions.")
        return 0
    for g in gaps:
        print(f"{g.count:5d}  {g.example}")
    return 0
