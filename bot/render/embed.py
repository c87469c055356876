"""Answer -> Discord embed JSON (``discord.Embed.from_dict``). Pure: no discord import.

``to_embed`` is the default reply: the answer's lead and as many whole fields as fit in
1,200 characters and 6 fields, with its sources. ``more_embeds`` holds everything else (the
rest of a long text, the other fields, the full source list) as pages that each fit Discord;
it is empty when the default shows it all. Nothing is lost between the two: a field too long
for Discord is split into "(continued)" fields at line, comma or word boundaries, never cut.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

from bot.engine.answer import Answer, AnswerField, Outcome
from bot.render.limits import (
    DEFAULT_FIELDS,
    DEFAULT_FOOTER_MAX,
    DEFAULT_MAX,
    DESCRIPTION_MAX,
    ELLIPSIS,
    FIELD_NAME_MAX,
    FIELD_VALUE_MAX,
    FIELDS_MAX,
    LEAD_MAX,
    PAGE_MAX,
    TITLE_MAX,
    clip,
)
from bot.render.text import (
    CONTINUED,
    DID_YOU_MEAN,
    MORE_SOURCES,
    MORE_TITLE,
    PAGE,
    SOURCES,
    sources_line,
)

_BLANK: Final = "\u200b"  # Discord rejects empty field names/values
_SENTENCE_ENDS: Final = (". ", "! ", "? ", "\n")

COLOURS: Final[dict[Outcome, int]] = {
    Outcome.ANSWER: 0x2E86C1,
    Outcome.UNSURE: 0xF1C40F,
    Outcome.DECLINE: 0x95A5A6,
    Outcome.SMALLTALK: 0x2ECC71,
}


def _nonblank(text: str) -> str:
    return text if text.strip() else _BLANK


def _size(field: AnswerField) -> int:
    return len(field.name) + len(field.value)


@dataclass(frozen=True, slots=True)
class _Plan:
    title: str
    footer: str
    footer_whole: bool
    lead: str
    body_cut: bool
    shown: tuple[AnswerField, ...]
    rest: tuple[AnswerField, ...]


def _footer(answer: Answer) -> tuple[str, bool]:
    """The default reply's sources line, and whether it names every source."""
    if not answer.sources:
        return "", True
    full = sources_line(answer)
    if len(full) <= DEFAULT_FOOTER_MAX:
        return full, True
    labels = [s.label for s in answer.sources]
    for k in range(len(labels) - 1, 0, -1):
        text = f"{SOURCES}: " + "; ".join(labels[:k]) + MORE_SOURCES.format(n=len(labels) - k)
        if len(text) <= DEFAULT_FOOTER_MAX:
            return text, False
    return clip(full, DEFAULT_FOOTER_MAX), False


def _lead(body: str, room: int) -> str:
    """The start of a long text: whole sentences when they fill half the room, else words."""
    if room <= 2:
        return ""
    head = body[: room - 2]
    cut = max(head.rfind(end) for end in _SENTENCE_ENDS)
    if cut >= room // 2:
        return head[: cut + 1].rstrip() + " " + ELLIPSIS
    return clip(body, room)


def _picks(answer: Answer) -> AnswerField | None:
    if not answer.suggestions:
        return None
    lines = "\n".join(f"{i}. {s.question}" for i, s in enumerate(answer.suggestions, 1))
    return AnswerField(DID_YOU_MEAN, clip(_nonblank(lines), FIELD_VALUE_MAX))


def _plan(answer: Answer) -> _Plan:
    title = clip(_nonblank(answer.title), TITLE_MAX)
    footer, whole = _footer(answer)
    budget = DEFAULT_MAX - len(title) - len(footer)
    picks = _picks(answer)
    slots = DEFAULT_FIELDS
    if picks is not None:
        budget -= _size(picks)
        slots -= 1
    body = answer.body.strip()
    room = max(0, min(LEAD_MAX, DESCRIPTION_MAX, budget))
    lead = body if len(body) <= room else _lead(body, room)
    budget -= len(lead)
    shown: list[AnswerField] = []
    rest: list[AnswerField] = []
    for f in answer.fields:
        field = AnswerField(_nonblank(f.name.strip()), _nonblank(f.value.strip()), f.inline)
        fits = (
            not rest
            and len(shown) < slots
            and len(field.name) <= FIELD_NAME_MAX
            and len(field.value) <= FIELD_VALUE_MAX
            and _size(field) <= budget
        )
        if fits:
            shown.append(field)
            budget -= _size(field)
        else:
            rest.append(field)
    if picks is not None:
        shown.append(picks)
    return _Plan(title, footer, whole, lead, lead != body, tuple(shown), tuple(rest))


def _embed(title: str, outcome: Outcome) -> dict[str, Any]:
    return {"type": "rich", "title": title, "color": COLOURS[outcome]}


def _field_dict(f: AnswerField) -> dict[str, Any]:
    return {"name": f.name, "value": f.value, "inline": f.inline}


def to_embed(answer: Answer) -> dict[str, Any]:
    """The default reply: ≤ 1,200 characters and ≤ 6 fields, within every Discord limit.
    Related questions are not listed: the Discord layer offers them as buttons."""
    plan = _plan(answer)
    embed = _embed(plan.title, answer.outcome)
    if plan.lead:
        embed["description"] = plan.lead
    if plan.shown:
        embed["fields"] = [_field_dict(f) for f in plan.shown]
    if plan.footer:
        embed["footer"] = {"text": plan.footer}
    return embed


# --------------------------------------------------------------------------- More pages


def _split_line(line: str, limit: int) -> list[str]:
    """A line longer than ``limit`` in pieces at '; ', ', ' or ' ' boundaries."""
    if len(line) <= limit:
        return [line]
    for sep in ("; ", ", ", " "):
        parts = line.split(sep)
        if len(parts) < 2 or any(len(p) > limit for p in parts):
            continue
        out: list[str] = []
        cur = ""
        for p in parts:
            joined = f"{cur}{sep}{p}" if cur else p
            if len(joined) <= limit:
                cur = joined
            else:
                out.append(cur)
                cur = p
        out.append(cur)
        return out
    return [line[i : i + limit] for i in range(0, len(line), limit)]


def chunks(text: str, limit: int) -> list[str]:
    """``text`` in pieces of at most ``limit`` characters, cut between lines where it can,
    else between list items or words; every word is kept."""
    pieces: list[str] = []
    cur = ""
    for line in text.split("\n"):
        for part in _split_line(line, limit):
            joined = f"{cur}\n{part}" if cur else part
            if len(joined) <= limit:
                cur = joined
            else:
                pieces.append(cur)
                cur = part
    pieces.append(cur)
    return [p for p in pieces if p.strip()] or [_BLANK]


def _field_parts(f: AnswerField) -> list[AnswerField]:
    """One field as Discord fields: a name too long moves into the value, a value too long
    continues in "(continued)" fields."""
    name, value = f.name, f.value
    if len(name) > FIELD_NAME_MAX:
        name, value = clip(name, FIELD_NAME_MAX), f"{name}\n{value}"
    parts = chunks(value, FIELD_VALUE_MAX)
    more = clip(CONTINUED.format(name=name), FIELD_NAME_MAX)
    return [AnswerField(name if i == 0 else more, p, f.inline) for i, p in enumerate(parts)]


def more_embeds(answer: Answer) -> list[dict[str, Any]]:
    """Everything the default reply leaves out, as embeds that each fit Discord (≤ 25 fields,
    ≤ 5,900 characters); [] when the default reply shows the whole answer."""
    plan = _plan(answer)
    texts = chunks(answer.body.strip(), DESCRIPTION_MAX) if plan.body_cut else []
    fields = [p for f in plan.rest for p in _field_parts(f)]
    if not plan.footer_whole:
        labels = "\n".join(s.label for s in answer.sources)
        fields += _field_parts(AnswerField(SOURCES, labels))
    if not texts and not fields:
        return []
    pages: list[tuple[str, list[AnswerField]]] = [(t, []) for t in texts] or [("", [])]
    room = PAGE_MAX - TITLE_MAX - len(pages[-1][0])
    for f in fields:
        if len(pages[-1][1]) == FIELDS_MAX or _size(f) > room:
            pages.append(("", []))
            room = PAGE_MAX - TITLE_MAX
        pages[-1][1].append(f)
        room -= _size(f)
    out: list[dict[str, Any]] = []
    for i, (text, page_fields) in enumerate(pages, 1):
        title = MORE_TITLE.format(title=answer.title.strip() or _BLANK)
        suffix = PAGE.format(page=i, pages=len(pages)) if len(pages) > 1 else ""
        embed = _embed(clip(title, TITLE_MAX - len(suffix)) + suffix, answer.outcome)
        if text:
            embed["description"] = text
        if page_fields:
            embed["fields"] = [_field_dict(f) for f in page_fields]
        out.append(embed)
    return out


def embed_size(embed: dict[str, Any]) -> int:
    """The character count Discord checks against the 6,000 total."""
    size = len(embed.get("title", "")) + len(embed.get("description", ""))
    size += sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields", []))
    size += len(embed.get("footer", {}).get("text", ""))
    size += len(embed.get("author", {}).get("name", ""))
    return size
