"""Answer -> what people read. Pure: no discord import (cogs turn the dicts into embeds).

``to_embed`` returns Discord's embed JSON shape and always stays inside every Discord embed
limit, whatever the knowledge holds: text that does not fit is cut at a word boundary with
"…", fields that do not fit are dropped, and the sum of all counted text stays ≤ 6,000.
"""

from __future__ import annotations

from typing import Any, Final

from bot.engine.answer import Answer, Outcome

TITLE_MAX: Final = 256
DESCRIPTION_MAX: Final = 4096
FIELDS_MAX: Final = 25
FIELD_NAME_MAX: Final = 256
FIELD_VALUE_MAX: Final = 1024
FOOTER_MAX: Final = 2048
EMBED_TOTAL_MAX: Final = 6000
MESSAGE_MAX: Final = 2000

ELLIPSIS: Final = "…"
_BLANK: Final = "\u200b"  # Discord rejects empty field names/values
_FOOTER_BUDGET: Final = 1024  # sources matter, but never crowd out the answer itself
_MIN_CLIPPED_VALUE: Final = 40  # a field cut shorter than this is not worth showing

COLOURS: Final[dict[Outcome, int]] = {
    Outcome.ANSWER: 0x2E86C1,
    Outcome.UNSURE: 0xF1C40F,
    Outcome.DECLINE: 0x95A5A6,
}


def clip(text: str, limit: int) -> str:
    """``text`` shortened to at most ``limit`` characters, ending in "…" when cut.

    Cuts at the last space in the final fifth when there is one, so words stay whole.
    """
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    if limit == 1:
        return ELLIPSIS
    head = text[: limit - 1]
    space = head.rfind(" ")
    if space >= (limit - 1) * 4 // 5:
        head = head[:space]
    return head.rstrip() + ELLIPSIS


def _nonblank(text: str) -> str:
    return text if text.strip() else _BLANK


def _footer(answer: Answer) -> str:
    if not answer.sources:
        return ""
    return clip("Sources: " + "; ".join(s.label for s in answer.sources), _FOOTER_BUDGET)


def _all_fields(answer: Answer) -> list[tuple[str, str, bool]]:
    """Every field the answer wants shown, in order (figures, did-you-mean, related)."""
    fields = [(f.name, f.value, f.inline) for f in answer.fields]
    if answer.suggestions:
        lines = "\n".join(f"{i}. {s.question}" for i, s in enumerate(answer.suggestions, 1))
        fields.append(("Did you mean", lines, False))
    if answer.related:
        lines = "\n".join(f"• {s.question}" for s in answer.related)
        fields.append(("Related questions", lines, False))
    return fields


def to_embed(answer: Answer) -> dict[str, Any]:
    """The answer as an embed dict (``discord.Embed.from_dict``) within every Discord limit."""
    title = clip(_nonblank(answer.title), TITLE_MAX)
    footer = _footer(answer)
    budget = EMBED_TOTAL_MAX - len(title) - len(footer)

    wanted = [
        (clip(_nonblank(name), FIELD_NAME_MAX), clip(_nonblank(value), FIELD_VALUE_MAX), inline)
        for name, value, inline in _all_fields(answer)[:FIELDS_MAX]
    ]
    fields_size = sum(len(n) + len(v) for n, v, _ in wanted)
    # The body gets what is left after the fields, but never less than half the budget.
    body_room = min(DESCRIPTION_MAX, max(budget - fields_size, budget // 2))
    description = clip(answer.body.strip(), body_room)
    budget -= len(description)

    fields: list[dict[str, Any]] = []
    for name, value, inline in wanted:
        room = budget - len(name)
        if room < min(len(value), _MIN_CLIPPED_VALUE):
            break
        value = clip(value, room)
        fields.append({"name": name, "value": value, "inline": inline})
        budget -= len(name) + len(value)

    embed: dict[str, Any] = {
        "type": "rich",
        "title": title,
        "color": COLOURS[answer.outcome],
    }
    if description:
        embed["description"] = description
    if fields:
        embed["fields"] = fields
    if footer:
        embed["footer"] = {"text": footer}
    return embed


def embed_size(embed: dict[str, Any]) -> int:
    """The character count Discord checks against the 6,000 total."""
    size = len(embed.get("title", "")) + len(embed.get("description", ""))
    size += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
    size += len(embed.get("footer", {}).get("text", ""))
    size += len(embed.get("author", {}).get("name", ""))
    return size


def to_message(answer: Answer) -> str:
    """The answer as one plain message (≤ 2,000 characters) for places without embeds."""
    return clip(to_text(answer), MESSAGE_MAX)


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
