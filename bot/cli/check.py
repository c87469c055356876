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
    from bot.engine import EngineSettings
    from bot.engine.selftest import self_test
    from bot.engine.trained import user_cache_dir

    return self_test(kb, EngineSettings(cache_dir=user_cache_dir()))


def run(args: argparse.Namespace) -> int:
    from bot.cli.progress import terminal_progress
    from bot.knowledge.base import KnowledgeError
    from bot.knowledge.loader import load_knowledge

    root: Path = args.knowledge
    if not root.is_dir():
        print(f"knowledge folder not found: {root}", file=sys.stderr)
        return 2
    progress = terminal_progress(sys.stderr)
    kb: KnowledgeBase | None = None
    failure: Exception | None = None
    try:
        kb = load_knowledge(root, progress.files if progress else None)
        if progress:
            progress.phase(f"checking {len(kb.entries):,} entries against the engine")
        problems = extra_checks(kb)
    except KnowledgeError as exc:
        problems = exc.problems
    except Exception as exc:  # a bug must still not show moderators a traceback
        failure = exc
    finally:
        if progress:
            progress.clear()  # the result starts on a clean line
    if failure is not None:
        print(f"internal error while checking {root}: {type(failure).__name__}: {failure}")
        return 3
    if not problems and kb is not None:
        from bot.engine import EngineSettings
        from bot.engine.selftest import cross_validation
        from bot.engine.trained import user_cache_dir

        print(f"knowledge OK: {kb.counts().summary()}")
        for line in cross_validation(kb, EngineSettings(cache_dir=user_cache_dir())):
            print(line)
        return 0
    from bot.knowledge.report import problem_lines, summary

    for line in problem_lines(problems):
        print(line)
    print(summary(problems))
    return 1
