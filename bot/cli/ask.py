"""``python -m bot ask "QUESTION"``: ask the engine from a terminal (or a script with --json)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cli._common import tolerant_stdin

if TYPE_CHECKING:
    from bot.engine import Engine

HELP = "Ask the answer engine a question and print its reply."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("question", nargs="?", help="The question (omit with --batch).")
    parser.add_argument(
        "--json", action="store_true", help="Print one JSON object per question instead."
    )
    parser.add_argument(
        "--batch", action="store_true", help="Read one question per line from stdin."
    )
    parser.add_argument(
        "--knowledge", type=Path, default=Path("knowledge"), help="Knowledge folder."
    )


def result(engine: Engine, question: str) -> dict[str, Any]:
    """The --json object for one question (the contract other tooling relies on)."""
    from bot.render import to_text

    answer = engine.ask(question)
    return {
        "answered": answer.answered,
        "entry": answer.entry_id if answer.answered else None,
        "score": round(float(answer.confidence), 4),
        "text": to_text(answer),
        "suggestions": [s.question for s in answer.suggestions],
    }


def run(args: argparse.Namespace) -> int:
    from bot.engine import Engine, EngineSettings
    from bot.engine.trained import user_cache_dir
    from bot.knowledge.base import KnowledgeError
    from bot.knowledge.loader import load_knowledge
    from bot.render import to_text

    if not args.batch and not args.question:
        print("error: give a QUESTION or use --batch", file=sys.stderr)
        return 2
    try:
        settings = EngineSettings(cache_dir=user_cache_dir())
        engine = Engine(load_knowledge(args.knowledge), settings)
    except (KnowledgeError, OSError, ValueError) as exc:
        print(f"error: cannot load knowledge from {args.knowledge}: {exc}", file=sys.stderr)
        return 1
    tolerant_stdin()  # one bad byte is one odd question, not the end of the batch
    questions = (line.rstrip("\r\n") for line in sys.stdin) if args.batch else [args.question]
    for question in questions:
        if args.json:
            print(json.dumps(result(engine, question), ensure_ascii=False), flush=args.batch)
        else:
            print(to_text(engine.ask(question)))
            if args.batch:
                print()
    return 0
