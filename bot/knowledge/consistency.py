"""Answers agree with the figures: every dollar amount an answer names is one of its career's
figures (or of a related career's, which answers compare against).

Answers are prose written from the facts, so changing ``value: 42830`` to ``44100`` in
``facts.yaml`` left every answer saying "$42,830" — and ``check`` said OK. This runs in the
loader's validation, so ``check``, the bot's start and ``/kb reload`` all refuse it. Pure: no
I/O; the loader turns each :class:`Mismatch` into a ``path:line:column`` problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from bot.knowledge.base import CareerKnowledge, KnowledgeBase

MONEY = re.compile(r"\$\s?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)")
"""A dollar amount as answers write it: ``$42,830``, ``$20.59``, ``$95,000+``, ``$ 36920``."""


@dataclass(frozen=True, slots=True)
class Mismatch:
    """An amount an answer names that no figure in its scope has."""

    entry_id: str
    written: str
    """As written in the answer, e.g. ``$42,830``."""
    career: str
    closest: tuple[str, Decimal] | None
    """The nearest figure in scope (its fact id or ``<level> salary``, value), if any."""

    def message(self) -> str:
        hint = ""
        if self.closest is not None:
            name, value = self.closest
            hint = f" (closest: '{name}' is {_money(value)})"
        return (
            f"the answer says {self.written} but no figure of '{self.career}' or its related "
            f"careers has that value{hint}; update the answer or the figure"
        )


def number(text: str) -> Decimal | None:
    """``'$42,830.00'`` -> ``Decimal('42830')``: amounts compare as numbers, not as text."""
    try:
        return Decimal(text.lstrip("$ ").replace(",", "")).normalize()
    except InvalidOperation:
        return None


def _money(value: Decimal) -> str:
    whole = value == value.to_integral_value()
    return f"${value:,.0f}" if whole else f"${value:,.2f}"


def figures_of(career: CareerKnowledge) -> dict[Decimal, str]:
    """Every number of a career's facts and level salaries -> where it comes from."""
    found: dict[Decimal, str] = {}
    for fact in career.facts:
        for value in (fact.value, fact.low, fact.high):
            if value is not None:
                found.setdefault(Decimal(repr(value)).normalize(), fact.id)
    for level in career.levels:
        if level.salary is not None:
            for value in (level.salary.low, level.salary.high):
                found.setdefault(Decimal(repr(value)).normalize(), f"{level.level} salary")
    return found


def amounts(answer: str) -> Iterator[tuple[str, Decimal]]:
    """(as written, value) for every dollar amount in ``answer``."""
    for match in MONEY.finditer(answer):
        value = number(match[1])
        if value is not None:
            yield match[0], value


def unbacked(answer: str, known: Mapping[Decimal, str]) -> list[tuple[str, Decimal]]:
    """The amounts of ``answer`` that are not among ``known`` figures."""
    return [(written, value) for written, value in amounts(answer) if value not in known]


def _closest(value: Decimal, known: Mapping[Decimal, str]) -> tuple[str, Decimal] | None:
    if not known:
        return None
    best = min(known, key=lambda figure: abs(figure - value))
    return known[best], best


def _cited(kb: KnowledgeBase, fact_ids: Iterable[str]) -> dict[Decimal, str]:
    """The numbers of the facts an entry cites (the likeliest to have been changed)."""
    found: dict[Decimal, str] = {}
    for fact_id in fact_ids:
        fact = kb.facts.get(fact_id)
        for value in (fact.value, fact.low, fact.high) if fact is not None else ():
            if value is not None:
                found.setdefault(Decimal(repr(value)).normalize(), fact_id)
    return found


def scope(kb: KnowledgeBase, slug: str) -> dict[Decimal, str]:
    """The figures an answer of career ``slug`` may name: its own, then its related careers'."""
    known = figures_of(kb.careers[slug])
    for other in kb.careers[slug].career.related:
        if other in kb.careers:
            for value, name in figures_of(kb.careers[other]).items():
                known.setdefault(value, name)
    return known


def mismatches(kb: KnowledgeBase, entry_ids: Iterable[str] | None = None) -> list[Mismatch]:
    """Every amount an answer names that no figure in its career's scope has."""
    scopes: dict[str, dict[Decimal, str]] = {}
    found: list[Mismatch] = []
    for entry_id in kb.entries if entry_ids is None else entry_ids:
        entry = kb.entries[entry_id]
        if "$" not in entry.answer:
            continue
        slug = kb.entry_career[entry_id]
        known = scopes.get(slug)
        if known is None:
            known = scopes[slug] = scope(kb, slug)
        for written, value in unbacked(entry.answer, known):
            near = _closest(value, _cited(kb, entry.facts) or figures_of(kb.careers[slug]))
            found.append(Mismatch(entry_id, written, slug, near or _closest(value, known)))
    return found
