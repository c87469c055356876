"""Answers about a career as a whole: outlook and other figures, education, path, profile,
related careers."""

from __future__ import annotations

from collections.abc import Sequence

from bot.engine.answer import Answer
from bot.engine.facts.builder import Builder, career_of
from bot.engine.facts.format import fact_line, format_value, leading, range_text, source_titles
from bot.engine.facts.format import versions as fact_versions
from bot.engine.facts.wording import LEVEL_NAMES, METRIC_NAMES, NO_FIGURES
from bot.knowledge.base import CareerKnowledge, KnowledgeBase
from bot.knowledge.model import Fact, Metric, Topic

OUTLOOK_METRICS = (
    Metric.GROWTH,
    Metric.EMPLOYMENT,
    Metric.ANNUAL_OPENINGS,
    Metric.MARKET_DEMAND,
    Metric.AUTOMATION_RISK,
)


def metric_answer(
    kb: KnowledgeBase, career: str, topic: Topic, metrics: Sequence[Metric], title: str
) -> Answer:
    ck = career_of(kb, career)
    b = Builder(kb)
    first: Fact | None = None
    for metric in metrics:
        facts = [f for f in ck.facts if f.metric is metric]
        label = len(fact_versions(facts)) > 1 or metric in (Metric.RIASEC, Metric.PAY_REGIONAL)
        b.facts(METRIC_NAMES[metric], facts, label=label)
        first = first or leading(facts, metric)
    riasec = [f for f in ck.facts if f.metric is Metric.RIASEC and f.value is not None]
    if first is None:
        body = f"The sources give no {title.lower()} figures for this career."
    elif first.metric is Metric.RIASEC and riasec:
        top = max(riasec, key=lambda f: f.value or 0.0)
        body = f"Best fit: {top.dimension or top.label} {format_value(top)}."
    else:
        what = first.label or METRIC_NAMES[first.metric]
        body = f"{what}: {format_value(first)}."
    return b.answer(title=f"{ck.career.name} — {title}", body=body, topic=topic, career=career)


def outlook(kb: KnowledgeBase, career: str) -> Answer:
    """Growth (every source's version), employment, openings, demand, automation risk."""
    return metric_answer(kb, career, Topic.OUTLOOK, OUTLOOK_METRICS, "Job outlook")


# Degrees a training-length fact may be about, and the words that name them.
_DEGREES: dict[str, tuple[str, ...]] = {
    "associate": ("associate",),
    "bachelor": ("bachelor",),
    "master": ("master",),
    "doctorate": ("ph.d", "phd", "doctor"),
}


def _degrees(text: str) -> set[str]:
    low = text.casefold()
    return {d for d, words in _DEGREES.items() if any(w in low for w in words)}


def relevant_training(ck: CareerKnowledge) -> list[Fact]:
    """Training lengths that matter for this career: the time a degree takes only when the
    career's own education (its facts or levels) names that degree. A CSR answer does not
    list how long a Ph.D. takes because one article mentions it."""
    named: set[str] = set()
    for f in ck.facts:
        if f.metric is Metric.EDUCATION:
            named |= _degrees(" ".join(x for x in (f.text, f.label, f.qualifier) if x))
    for lv in ck.levels:
        named |= _degrees(lv.education or "")
    out = []
    for f in ck.facts:
        if f.metric is not Metric.TRAINING_LENGTH:
            continue
        about = _degrees(" ".join(x for x in (f.label, f.qualifier) if x))
        if not about or about & named:
            out.append(f)
    return out


def education(kb: KnowledgeBase, career: str) -> Answer:
    """Typical education (every version), training length, and what each level asks for."""
    ck = career_of(kb, career)
    b = Builder(kb)
    b.facts("Education", [f for f in ck.facts if f.metric is Metric.EDUCATION])
    b.facts("Training and study time", relevant_training(ck), label=True)
    by_level = [f"{LEVEL_NAMES[lv.level]}: {lv.education}" for lv in ck.levels if lv.education]
    if by_level:
        b.add("By level", by_level)
        b.cite(s for lv in ck.levels if lv.education for s in lv.sources)
    lead = leading(ck.facts, Metric.EDUCATION)
    body = (
        f"Typical education: {format_value(lead)}."
        if lead
        else "The sources state no typical education for this career."
    )
    return b.answer(
        title=f"{ck.career.name} — Education", body=body, topic=Topic.EDUCATION, career=career
    )


def path(kb: KnowledgeBase, career: str) -> Answer:
    """Career levels (titles, experience) and every advancement ladder a source describes."""
    ck = career_of(kb, career)
    b = Builder(kb)
    for lv in ck.levels:
        lines = []
        if lv.titles:
            lines.append("Titles: " + ", ".join(lv.titles))
        if lv.education:
            lines.append(f"Education: {lv.education}")
        if lv.salary is not None:
            pay = range_text(lv.salary.low, lv.salary.high, lv.salary.open_ended)
            lines.append(f"Pay: {pay} — {source_titles(kb, lv.salary.sources)}")
            b.cite(lv.salary.sources)
        name = LEVEL_NAMES[lv.level] + (f" · {lv.experience}" if lv.experience else "")
        b.add(name, lines or [lv.name])
        b.cite(lv.sources)
    for ladder in ck.ladders:
        steps = " → ".join(s.title for s in ladder.steps)
        b.add(f"{ladder.name} ({source_titles(kb, ladder.sources)})", steps)
        b.cite(ladder.sources)
    if ck.levels:
        body = " → ".join(LEVEL_NAMES[lv.level] for lv in ck.levels) + "."
        if ck.ladders:
            body += f" The sources describe {len(ck.ladders)} ways to advance."
    elif ck.ladders:
        body = f"The sources describe {len(ck.ladders)} ways to advance."
    else:
        body = "The sources describe no career path for this career."
    return b.answer(
        title=f"{ck.career.name} — Career path", body=body, topic=Topic.ADVANCEMENT, career=career
    )


def profile(kb: KnowledgeBase, career: str) -> Answer:
    """Overview: the summary and key figures (leading versions), related careers."""
    ck = career_of(kb, career)
    c = ck.career
    b = Builder(kb)
    b.cite(c.sources)
    for metric in (Metric.MEDIAN_PAY_ANNUAL, Metric.EDUCATION, Metric.GROWTH):
        lead = leading(ck.facts, metric)
        if lead is not None:
            b.add(METRIC_NAMES[metric], fact_line(kb, lead, mark_leading=False), inline=True)
            b.cite(lead.sources)
    if c.soc_code:
        b.add("SOC code", c.soc_code, inline=True)
    if c.aliases:
        b.add("Also called", ", ".join(c.aliases))
    related = [kb.careers[s].career.name for s in c.related if s in kb.careers]
    if related:
        b.add("Related careers", ", ".join(related))
    return b.answer(title=c.name, body=c.summary, topic=Topic.OVERVIEW, career=career)


def related_careers(kb: KnowledgeBase, career: str) -> Answer:
    """Each related career with its leading pay and education."""
    ck = career_of(kb, career)
    b = Builder(kb)
    for slug in ck.career.related:
        other = kb.careers.get(slug)
        if other is None:
            continue
        lines = []
        for metric in (Metric.MEDIAN_PAY_ANNUAL, Metric.EDUCATION):
            lead = leading(other.facts, metric)
            if lead is not None:
                lines.append(f"{METRIC_NAMES[metric]}: {fact_line(kb, lead, mark_leading=False)}")
                b.cite(lead.sources)
        b.add(other.career.name, lines or [NO_FIGURES], inline=False)
    body = (
        f"{len(b.fields)} related careers named by the sources."
        if b.fields
        else "The sources name no related careers."
    )
    return b.answer(
        title=f"Careers related to {ck.career.name}",
        body=body,
        topic=Topic.RELATED_CAREERS,
        career=career,
    )
