"""Pure decisions behind the cogs (no discord import), so they are tested without a client."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence


def strip_mention(content: str, bot_id: int) -> str | None:
    """The question in a message that mentions the bot, or None if it does not mention it.

    Removes every ``<@id>``/``<@!id>`` of the bot; an empty remainder is returned as "".
    """
    pattern = re.compile(rf"<@!?{bot_id}>")
    if not pattern.search(content):
        return None
    return " ".join(pattern.sub(" ", content).split())


def addressed(
    content: str,
    bot_id: int,
    *,
    is_dm: bool,
    channel_id: int,
    passive_channel_ids: Iterable[int] = (),
) -> tuple[str, str] | None:
    """(question, via) if a message is for the bot, else None.

    via is "mention" (the bot is mentioned; the mention is removed), "dm" (any DM), or
    "passive" (any message in a configured channel when the message-content intent is on).
    """
    stripped = strip_mention(content, bot_id)
    if stripped is not None:
        return stripped, "mention"
    if is_dm:
        return content.strip(), "dm"
    if channel_id in set(passive_channel_ids):
        return content.strip(), "passive"
    return None


def fit_lines(lines: Sequence[str], limit: int, more: str = "… and {n} more") -> str:
    """Join as many whole lines as fit in ``limit`` chars, then say how many were left out."""
    out: list[str] = []
    size = 0
    for i, line in enumerate(lines):
        if len(line) > limit // 2:
            line = line[: limit // 2 - 1] + "…"
        last = i == len(lines) - 1
        reserve = 0 if last else len(more.format(n=len(lines) - i - 1)) + 1
        if size + len(line) + reserve > limit:
            out.append(more.format(n=len(lines) - i))
            break
        out.append(line)
        size += len(line) + 1
    return "\n".join(out)[:limit]


def describe_counts(before: dict[str, int], after: dict[str, int]) -> str:
    """'entries 40 → 42 (+2), careers 8' : what a reload changed."""
    parts = []
    for key, new in after.items():
        old = before.get(key, 0)
        if old == new:
            parts.append(f"{key} {new}")
        else:
            parts.append(f"{key} {old} → {new} ({new - old:+d})")
    return ", ".join(parts)


def same_career(a: str | None, b: str | None) -> bool:
    """/compare of a career with itself."""
    return a is not None and a == b
