"""``python -m bot stats``: questions asked, answer rate, top entries and votes."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from bot.cli._common import add_store_arguments, read_store

HELP = "Show question statistics from the database (answer rate, top entries, votes)."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_store_arguments(parser, limit=10, what="rows per list")


def run(args: argparse.Namespace) -> int:
    stats = read_store(args, lambda store: store.stats(limit=args.limit))
    if isinstance(stats, int):
        return stats
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
