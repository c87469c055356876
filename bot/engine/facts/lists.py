"""Answers from a career's lists: skills (groups merged, items deduplicated), certifications,
tools, resources, industries and types of role."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from bot.engine.answer import Answer
from bot.engine.facts.builder import Builder, career_of
from bot.engine.facts.wording import LEVEL_NAMES, join_names
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.model import Item, Topic

_FILLER = frozenset({"skill", "skills", "ability", "abilities", "and", "strong", "excellent"})
_WORD = re.compile(r"[a-z0-9]+")
LEAD_ITEMS = 6
"""Skills named in the lead sentence (the ones most sources agree on)."""

# Group names that mean the same kind of skill, however each source words it.
_GROUP_KINDS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("soft", "interpersonal", "professional"), "Soft skills"),
    (("tech", "hard", "computer", "digital"), "Technical skills"),
    (("core", "top", "foundational", "key", "essential", "required"), "Core skills"),
)


def item_key(name: str) -> str:
    """'Problem-solving skills' and 'Problem-solving' are one item; case and punctuation
    do not matter."""
    words = _WORD.findall(name.casefold().replace("&", " and "))
    kept = [w for w in words if w not in _FILLER]
    return " ".join(kept or words)


def group_name(raw: str | None, default: str) -> str:
    """One name per kind of group: 'Soft abilities', 'Soft skills to become one' and 'Skill
    map: professional and soft skills' are all 'Soft skills'."""
    name = raw or default
    words = set(_WORD.findall(name.casefold()))
    for stems, canonical in _GROUP_KINDS:
        if any(w.startswith(s) for w in words for s in stems):
            return canonical
    _, sep, rest = name.partition(": ")
    return (rest[:1].upper() + rest[1:]) if sep and rest else name


def _item_text(it: Item, *, detail: bool) -> str:
    text = it.name + (f" ({it.issuer})" if it.issuer else "")
    return text + (f" — {it.detail}" if detail and it.detail else "")


def add_items(
    b: Builder, items: Sequence[Item], default_group: str, *, detail: bool = False
) -> int:
    """Items under merged group names, each item once (its first group); returns how many."""
    groups: dict[str, list[Item]] = {}
    seen: set[str] = set()
    for item in items:
        key = item_key(item.name)
        if key in seen:
            b.cite(item.sources)
            continue
        seen.add(key)
        groups.setdefault(group_name(item.group, default_group), []).append(item)
    for name, members in groups.items():
        shown = [_item_text(it, detail=detail) for it in members]
        b.add(name, "\n".join(f"• {s}" for s in shown) if detail else ", ".join(shown))
        b.cite(s for it in members for s in it.sources)
    return len(seen)


def most_named(items: Sequence[Item], n: int = LEAD_ITEMS) -> list[str]:
    """The items the most groups and sources name, as first written."""
    counts: Counter[str] = Counter()
    first: dict[str, str] = {}
    for it in items:
        key = item_key(it.name)
        first.setdefault(key, it.name)
        counts[key] += 1
    order = {k: i for i, k in enumerate(first)}
    ranked = sorted(counts, key=lambda k: (-counts[k], order[k]))
    return [first[k] for k in ranked[:n]]


def list_answer(kb: KnowledgeBase, career: str, topic: Topic, attr: str, title: str) -> Answer:
    ck = career_of(kb, career)
    b = Builder(kb)
    items: Sequence[Item] = getattr(ck.lists, attr)
    n = add_items(b, items, title)
    return b.answer(
        title=f"{ck.career.name} — {title}",
        body=f"{n} {title.lower()} named by the sources.",
        topic=topic,
        career=career,
    )


def skills(kb: KnowledgeBase, career: str) -> Answer:
    """Skills under merged groups, each once, the most named first in the lead; tools."""
    ck = career_of(kb, career)
    b = Builder(kb)
    n = add_items(b, ck.lists.skills, "Skills")
    groups = len(b.fields)
    if ck.lists.tools:
        tools: dict[str, str] = {}
        for t in ck.lists.tools:
            tools.setdefault(item_key(t.name), t.name)
        b.add("Tools", ", ".join(tools.values()))
        b.cite(s for t in ck.lists.tools for s in t.sources)
    top = most_named(ck.lists.skills)
    body = f"Most named: {join_names(top)}." if top else ""
    body += f" {n} skills in {groups} groups from the sources." if n else ""
    return b.answer(
        title=f"{ck.career.name} — Skills", body=body.strip(), topic=Topic.SKILLS, career=career
    )


def _named(name: str, listed: Sequence[str]) -> bool:
    """'Six Sigma (for process roles)' is already listed as 'Six Sigma'."""
    key = name.casefold()
    return any(key == other or key.startswith(other + " (") for other in listed)


def certifications(kb: KnowledgeBase, career: str) -> Answer:
    """Certifications with issuers, and which level recommends which."""
    ck = career_of(kb, career)
    b = Builder(kb)
    n = add_items(b, ck.lists.certifications, "Certifications", detail=True)
    listed = [it.name.casefold() for it in ck.lists.certifications]
    for lv in ck.levels:
        # Lists often repeat the levels' certifications; show a level only for what is new.
        new = [c for c in lv.certifications if not _named(c, listed)]
        if new:
            note = f" ({lv.certifications_note})" if lv.certifications_note else ""
            b.add(f"{LEVEL_NAMES[lv.level]}{note}", ", ".join(new))
            b.cite(lv.sources)
            n += len(new)
    return b.answer(
        title=f"{ck.career.name} — Certifications",
        body=f"{n} certifications named by the sources.",
        topic=Topic.CERTIFICATIONS,
        career=career,
    )
