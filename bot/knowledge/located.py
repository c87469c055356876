"""Checks of a loaded knowledge base that need the files again, and a quick count of files.

Kept out of loader.py (which validates file by file) so it stays readable.
"""

from __future__ import annotations

import os
from pathlib import Path

from bot.knowledge.base import KnowledgeBase, Problem
from bot.knowledge.consistency import mismatches


def answer_problems(kb: KnowledgeBase, base: Path) -> list[Problem]:
    """Every dollar amount of an answer is one of its career's figures (consistency.py),
    reported at the line of the answer that names it. ``base``: the knowledge folder's
    parent (problem paths are relative to it)."""
    problems: list[Problem] = []
    texts: dict[str, list[str]] = {}
    searched_from: dict[tuple[str, str], tuple[int, int]] = {}
    for mismatch in mismatches(kb):
        where = kb.locations[mismatch.entry_id]
        line, column = where.line, where.column
        if where.path not in texts:
            try:
                text = (base / where.path).read_text("utf-8", errors="replace")
            except OSError:
                text = ""
            texts[where.path] = text.splitlines()
        lines = texts[where.path]
        # The same amount twice in one answer: the second is searched after the first.
        key = (mismatch.entry_id, mismatch.written)
        start_line, start_col = searched_from.get(key, (where.line - 1, 0))
        for number in range(start_line, len(lines)):
            found = lines[number].find(mismatch.written, start_col if number == start_line else 0)
            if found >= 0:
                line, column = number + 1, found + 1
                searched_from[key] = (number, found + 1)
                break
        problems.append(Problem(where.path, line, column, mismatch.message()))
    return problems


def count_files(root: Path) -> int:
    """About how many files a load reads (for progress only: a quick listing, no checks)."""

    def yaml_in(folder: Path) -> int:
        try:
            with os.scandir(folder) as found:
                return sum(1 for e in found if e.name.endswith(".yaml"))
        except OSError:
            return 0

    total = yaml_in(root)
    try:
        careers = [e.path for e in os.scandir(root / "careers") if e.is_dir()]
    except OSError:
        return total
    return total + sum(yaml_in(Path(c)) + yaml_in(Path(c) / "qa") for c in careers)
