"""Answer -> what people read. Pure: no discord import (cogs turn the dicts into embeds)."""

from __future__ import annotations

from bot.engine.answer import Answer


def to_text(answer: Answer) -> str:
    """Everything the reply shows, as plain text (CLI, logs, ``ask --json``)."""
    lines = [answer.title, "", answer.body]
    for f in answer.fields:
        lines += ["", f"{f.name}: {f.value}"]
    if answer.suggestions:
        lines += ["", "Did you mean:"]
        lines += [f"  {i}. {s.question}" for i, s in enumerate(answer.suggestions, 1)]
    if answer.sources:
        lines += ["", "Sources: " + "; ".join(s.label for s in answer.sources)]
    return "\n".join(lines).strip()
