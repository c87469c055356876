"""Answers beyond one career: two careers side by side, and the source documents."""

from __future__ import annotations

from bot.engine.answer import Answer, Outcome, Suggestion
from bot.engine.facts import wording
from bot.engine.facts.builder import Builder, career_of
from bot.engine.facts.format import fact_line, format_value, leading, money
from bot.engine.facts.ids import SOURCES_ID, compare_id, fact_id
from bot.engine.facts.wording import METRIC_NAMES, NOT_STATED
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.model import Fact, Metric, Topic

COMPARE_METRICS = (Metric.MEDIAN_PAY_ANNUAL, Metric.EDUCATION, Metric.GROWTH)


def _same_career(kb: KnowledgeBase, slug: str) -> Answer:
    """/compare teller teller: say so, and suggest a real comparison."""
    ck = career_of(kb, slug)
    name = ck.career.name
    others = [s for s in (*ck.career.related, *kb.careers) if s != slug and s in kb.careers]
    if others:
        other = kb.careers[others[0]].career.name
        body = wording.SAME_CAREER.format(name=name, other=other)
        related: tuple[Suggestion, ...] = (
            Suggestion(compare_id(slug, others[0]), f"{name} vs {other}"[:100]),
        )
    else:
        body, related = wording.SAME_CAREER_ALONE, ()
    return Builder(kb).answer(
        title=wording.SAME_CAREER_TITLE.format(name=name),
        body=body,
        topic="compare",
        career=slug,
        entry_id=compare_id(slug, slug),
        related=related,
        outcome=Outcome.DECLINE,
    )


def compare(kb: KnowledgeBase, a: str, b: str) -> Answer:
    """Two careers side by side: median pay, education and growth where known. The same
    career twice is a decline that says so."""
    if a == b:
        return _same_career(kb, a)
    ca, cb = career_of(kb, a), career_of(kb, b)
    builder = Builder(kb)
    leads: dict[tuple[str, Metric], Fact | None] = {}
    for metric in COMPARE_METRICS:
        row = [(ck, leading(ck.facts, metric)) for ck in (ca, cb)]
        if all(f is None for _, f in row):
            continue
        for ck, fact in row:
            leads[(ck.career.slug, metric)] = fact
            value = fact_line(kb, fact, mark_leading=False) if fact else NOT_STATED
            builder.add(f"{ck.career.name} — {METRIC_NAMES[metric]}", value, inline=True)
            if fact is not None:
                builder.cite(fact.sources)
    pay_a = leads.get((a, Metric.MEDIAN_PAY_ANNUAL))
    pay_b = leads.get((b, Metric.MEDIAN_PAY_ANNUAL))
    if pay_a and pay_b and pay_a.value is not None and pay_b.value is not None:
        diff = pay_a.value - pay_b.value
        higher = ca if diff > 0 else cb
        body = (
            f"Median pay: {ca.career.name} {format_value(pay_a)} vs {cb.career.name} "
            f"{format_value(pay_b)}"
            + (f"; {higher.career.name} earns {money(abs(diff))} more." if diff else ".")
        )
    elif builder.fields:
        body = f"{ca.career.name} and {cb.career.name} as the sources describe them."
    else:
        body = "The sources give no figures to compare these careers."
    return builder.answer(
        title=f"{ca.career.name} vs {cb.career.name}",
        body=body,
        topic="compare",
        career=a,
        entry_id=compare_id(a, b),
        related=(
            Suggestion(fact_id(Topic.SALARY, a), f"{ca.career.name} pay"[:100]),
            Suggestion(fact_id(Topic.SALARY, b), f"{cb.career.name} pay"[:100]),
        ),
    )


def sources(kb: KnowledgeBase) -> Answer:
    """Every source document once: title, then publisher/author, date, period, what it cites.

    The documents are the answer's fields, so the answer lists no separate sources (the
    footer would repeat every title)."""
    b = Builder(kb)
    for src in kb.sources.values():
        facts = [
            src.kind.capitalize(),
            *(f"by {x}" for x in (src.publisher, src.author) if x),
            *(x for x in (src.date,) if x),
            *(f"figures for {x}" for x in (src.period,) if x),
        ]
        lines = [" · ".join(facts)]
        if src.cites:
            lines.append("Cites: " + ", ".join(src.cites))
        b.add(src.title, lines)
    return b.answer(
        title="Sources",
        body=f"Every answer comes from these {len(kb.sources)} documents.",
        topic="sources",
        career=None,
        entry_id=SOURCES_ID,
    )
