"""``python -m bot check [KNOWLEDGE_DIR]``: validate the knowledge files, list every problem."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.knowledge.base import KnowledgeBase, Problem

HELP = "Check the knowledge files; print every problem as path:line:column: message."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "knowledge",
        nargs="?",
        default="knowledge",
        type=Path,
        help="knowledge folder (default: ./knowledge)",
    )


def extra_checks(kb: KnowledgeBase) -> list[Problem]:
    """Checks beyond loading: the engine's self-test, so that a new entry cannot silently
    steal another entry's questions (every phrasing must rank its own entry first)."""
    from bot.engine.selftest import self_test

    return self_test(kb)


def run(args: argparse.Namespace) -> int:
    from bot.knowledge.base import KnowledgeError
    from bot.knowledge.loader import load_knowledge

    root: Path = args.knowledge
    if not root.is_dir():
        print(f"knowledge folder not found: {root}", file=sys.stderr)
        return 2
    try:
        kb = load_knowledge(root)
        problems = extra_checks(kb)
    except KnowledgeError as exc:
        problems = exc.problems
    except Exception as exc:  # a bug must still not show moderators a traceback
        print(f"internal error while checking {root}: {type(exc).__name__}: {exc}")
        return 3
    else:
        if not problems:
            from bot.engine.selftest import cross_validation

            print(f"knowledge OK: {kb.counts().summary()}")
            for line in cross_validation(kb):
                print(line)
            return 0
    from bot.knowledge.report import problem_lines, summary

    for line in problem_lines(problems):
        print(line)
    print(summary(problems))
    return 1
