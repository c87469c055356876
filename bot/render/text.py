"""Answers as plain text (terminal, logs, ``ask --json``), and the words render adds."""

from __future__ import annotations

from typing import Final

from bot.engine.answer import Answer
from bot.render.limits import MESSAGE_MAX, clip

SOURCES: Final = "Sources"
DID_YOU_MEAN: Final = "Did you mean"
MORE_TITLE: Final = "{title} — more"
PAGE: Final = " ({page}/{pages})"
CONTINUED: Final = "{name} (continued)"
MORE_SOURCES: Final = " and {n} more"


def sources_line(answer: Answer) -> str:
    return f"{SOURCES}: " + "; ".join(s.label for s in answer.sources)


def to_text(answer: Answer) -> str:
    """Everything the answer holds, as plain text: the whole answer, never cut."""
    lines = [answer.title, "", answer.body]
    for f in answer.fields:
        lines += ["", f"{f.name}: {f.value}"]
    if answer.suggestions:
        lines += ["", f"{DID_YOU_MEAN}:"]
        lines += [f"  {i}. {s.question}" for i, s in enumerate(answer.suggestions, 1)]
    if answer.sources:
        lines += ["", sources_line(answer)]
    return "\n".join(lines).strip()


def to_message(answer: Answer) -> str:
    """The answer as one plain message (≤ 2,000 characters) for places without embeds."""
    return clip(to_text(answer), MESSAGE_MAX)
