"""``python -m bot stats``: questions asked, answer rate, top entries and votes."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from bot.cli._common import add_config_argument, database_path

HELP = "Show question statistics from the database (answer rate, top entries, votes)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)
    parser.add_argument("--database", type=Path, default=None, help="SQLite file (else config)")
    parser.add_argument("--limit", type=int, default=10, help="rows per list (default 10)")
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    import asyncio

    from bot.store import Stats
    from bot.store.sqlite import SqliteStore

    path = database_path(args)
    if path is None:
        return 2
    if not path.exists():
        print(f"careerbot: no database at {path} (nothing asked yet?)", file=sys.stderr)
        return 1

    async def read() -> Stats:
        store = await SqliteStore.open(path)
        try:
            return await store.stats(limit=args.limit)
        finally:
            await store.close()

    stats = asyncio.run(read())
    if args.json:
        print(json.dumps({**asdict(stats), "answer_rate": stats.answer_rate}, indent=2))
        return 0
    print(
        f"{stats.total} questions, answer rate {stats.answer_rate:.1%} "
        f"({stats.answered} answered, {stats.unsure} unsure, {stats.declined} declined)"
    )
    print("\nTop entries:")
    for e in stats.top_entries or []:
        print(f"  {e.count:5d}  {e.entry_id}")
    if not stats.top_entries:
        print("  (none)")
    print("\nVotes (up/down):")
    for v in stats.votes:
        print(f"  {v.up:4d} / {v.down:<4d} {v.entry_id}")
    if not stats.votes:
        print("  (none)")
    return 0
