"""``python -m bot gaps``: questions the bot could not answer, grouped, most asked first."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from bot.cli._common import add_store_arguments, read_store

HELP = "List unanswered questions (grouped by normalised text) to guide new knowledge."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_store_arguments(parser, limit=20, what="groups to show")


def run(args: argparse.Namespace) -> int:
    gaps = read_store(args, lambda store: store.gaps(limit=args.limit))
    if isinstance(gaps, int):
        return gaps
    if args.json:
        print(json.dumps([asdict(g) for g in gaps], indent=2))
        return 0
    if not gaps:
        print("No unanswered questions.")
        return 0
    for g in gaps:
        print(f"{g.count:5d}  {g.example}")
    return 0
