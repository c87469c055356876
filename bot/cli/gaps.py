"""``python -m bot gaps``: questions the bot could not answer, grouped, most asked first."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli._common import add_store_arguments, read_store

if TYPE_CHECKING:
    from bot.store import Gap

HELP = "List unanswered questions (grouped by normalised text) to guide new knowledge."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_store_arguments(parser, limit=20, what="groups to show")
    parser.add_argument(
        "--suggest",
        action="store_true",
        help="show, per gap, what members picked and the entries the matcher ranks first",
    )
    parser.add_argument(
        "--knowledge", type=Path, default=Path("knowledge"), help="knowledge for --suggest"
    )


def _suggestions(args: argparse.Namespace, gaps: list[Gap]) -> dict[str, list[str]]:
    """Per gap, the likely entries (the matcher's top Q&A entries for its example)."""
    from bot.engine import Engine, EngineSettings
    from bot.engine.trained import user_cache_dir
    from bot.knowledge.loader import load_knowledge
    from bot.teach import likely_entries

    settings = EngineSettings(cache_dir=user_cache_dir())
    engine = Engine(load_knowledge(args.knowledge), settings)
    return {g.normalised: [i for i, _ in likely_entries(engine, g.example)] for g in gaps}


def run(args: argparse.Namespace) -> int:
    gaps = read_store(args, lambda store: store.gaps(limit=args.limit))
    if isinstance(gaps, int):
        return gaps
    likely = _suggestions(args, gaps) if args.suggest and gaps else {}
    if args.json:
        out = [asdict(g) | ({"likely": likely[g.normalised]} if likely else {}) for g in gaps]
        print(json.dumps(out, indent=2))
        return 0
    if not gaps:
        print("No unanswered questions.")
        return 0
    for g in gaps:
        print(f"{g.count:5d}  {g.example}")
        if args.suggest:
            picked = ", ".join(f"{p.entry_id} ×{p.count}" for p in g.picks) or "nothing"
            down = f"; 👎 {g.down_votes} on those answers" if g.down_votes else ""
            print(f"       members picked: {picked}{down}")
            print(f"       likely entries: {', '.join(likely[g.normalised]) or 'none'}")
    return 0
