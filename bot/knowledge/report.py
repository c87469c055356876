"""Problem lists a moderator can read: repeats grouped, the list capped, one line per problem.

One alias used 20,000 times gave 20,001 identical lines (2.4 MB), 48,000 problems 9.2 MB:
``check`` and ``/kb reload`` now show each distinct problem once with how many more are like
it, and at most :data:`MAX_SHOWN` of them, then how many were left out.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.knowledge.base import Problem

MAX_SHOWN = 50
"""Most distinct problems listed (the rest are counted)."""

MAX_LINES_NAMED = 5
"""Most other line numbers a grouped problem names."""


def _group(problems: Sequence[Problem]) -> list[list[Problem]]:
    """Problems with the same file and message, in order of their first appearance."""
    groups: dict[tuple[str, str], list[Problem]] = {}
    for problem in problems:
        groups.setdefault((problem.path, problem.message), []).append(problem)
    return list(groups.values())


def _more_like(group: list[Problem]) -> str:
    more = len(group) - 1
    others = sorted({p.line for p in group[1:] if p.line is not None} - {group[0].line})
    where = ""
    if others:
        named = ", ".join(str(line) for line in others[:MAX_LINES_NAMED])
        where = f" on line{'s' if len(others) > 1 else ''} {named}"
        if len(others) > MAX_LINES_NAMED:
            where += ", …"
    return f" (… and {more:,} more like this{where})"


def problem_lines(problems: Sequence[Problem], limit: int | None = MAX_SHOWN) -> list[str]:
    """One line per distinct problem (``path:line:column: message``), repeats counted on it,
    at most ``limit`` lines plus one saying how many problems were left out."""
    groups = _group(problems)
    shown = groups if limit is None else groups[:limit]
    lines = [str(group[0]) + (_more_like(group) if len(group) > 1 else "") for group in shown]
    left = sum(len(group) for group in groups[len(shown) :])
    if left:
        lines.append(f"… and {left:,} more problem(s) not shown ({len(problems):,} in all)")
    return lines


def summary(problems: Sequence[Problem]) -> str:
    return f"{len(problems):,} problem(s) found"
