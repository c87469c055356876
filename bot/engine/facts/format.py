"""Figures as people read them, each with its period and the title of its source."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.engine.answer import AnswerField, SourceRef
from bot.engine.facts.wording import METRIC_NAMES
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.model import Fact, Metric


def num(value: float) -> str:
    """42830 -> '42,830'; 30243.2 -> '30,243.20'; 7.3 -> '7.3'."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def money(value: float) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}${num(abs(value))}"


def format_value(fact: Fact) -> str:
    """The figure as people read it: '$42,830/year', '$60,000–$95,000+/year', '-5%', '7.3/10'."""
    unit = fact.unit
    suffix = {"usd_per_year": "/year", "usd_per_hour": "/hour"}.get(unit or "", "")

    def one(v: float) -> str:
        if unit in ("usd_per_year", "usd_per_hour"):
            return money(v)
        if unit == "percent":
            return f"{v:g}%"
        if unit == "score_10":
            return f"{v:g}/10"
        return num(v)

    unit_word = {"weeks": " weeks", "years": " years"}.get(unit or "", "")
    shown: str | None = None
    if fact.low is not None and fact.high is not None:
        shown = f"{one(fact.low)}–{one(fact.high)}{'+' if fact.open_ended else ''}"
    elif fact.low is not None:
        shown = f"{one(fact.low)}+"
    elif fact.high is not None:
        shown = f"up to {one(fact.high)}"
    elif fact.value is not None:
        shown = one(fact.value) + ("+" if fact.open_ended else "")
        shown = {
            "below": f"less than {shown}",
            "above": f"more than {shown}",
            "from": f"from {shown}",
            "about": f"~{shown}",
        }.get(fact.bound or "", shown)
    if shown is not None:
        shown += suffix + unit_word
        return f"{shown} ({fact.text})" if fact.text else shown
    return fact.text or ""


def range_text(low: float, high: float, open_ended: bool) -> str:
    return f"{money(low)}–{money(high)}{'+' if open_ended else ''}/year"


def source_titles(kb: KnowledgeBase, ids: Iterable[str]) -> str:
    return "; ".join(kb.sources[i].title if i in kb.sources else i for i in ids)


def fact_line(kb: KnowledgeBase, fact: Fact, *, mark_leading: bool, label: bool = False) -> str:
    """'$42,830/year — 2024 · Customer Service Representative (leading)'.

    The period is the one written on the fact, deliberately not the source's: a document
    dated 2024 may quote older figures, and a wrong year next to a number is worse than none."""
    parts = [p for p in (fact.period, source_titles(kb, fact.sources)) if p]
    head = format_value(fact)
    if label:
        what = fact.label or fact.region or fact.qualifier or fact.dimension
        extras = [x for x in (fact.region, fact.qualifier) if x and x not in (what or "")]
        if what:
            head = f"{what}{' (' + ', '.join(extras) + ')' if extras else ''}: {head}"
    line = f"{head} — {' · '.join(parts)}" if parts else head
    return f"{line} (leading)" if mark_leading and fact.leading else line


def fact_label(fact: Fact) -> str:
    """What a fact measures: its own label, else the metric's name and what narrows it."""
    if fact.label:
        return fact.label
    parts = [METRIC_NAMES[fact.metric]]
    if fact.level:
        parts.append(f"({fact.level.value} level)")
    if fact.percentile:
        parts.append(f"({fact.percentile}th percentile)")
    parts += [f"({x})" for x in (fact.region, fact.qualifier, fact.dimension) if x]
    return " ".join(parts)


def fact_field(kb: KnowledgeBase, fact: Fact) -> AnswerField:
    """One fact as an answer field (a Q&A entry's figures): label, then value, period and
    source; the leading version of disagreeing figures is marked in the name. Unclipped:
    bot.render fits it to Discord."""
    name = fact_label(fact) + (" — leading" if fact.leading else "")
    return AnswerField(name, fact_line(kb, fact, mark_leading=False))


def source_refs(kb: KnowledgeBase, ids: Iterable[str]) -> tuple[SourceRef, ...]:
    """The known sources among ``ids``, each once, in order."""
    refs: list[SourceRef] = []
    for sid in dict.fromkeys(ids):
        src = kb.sources.get(sid)
        if src is not None:
            refs.append(SourceRef(src.id, src.title, src.publisher, src.period or src.date))
    return tuple(refs)


def versions(facts: Iterable[Fact]) -> list[list[Fact]]:
    """Facts grouped by what they measure, each group's leading version first."""
    groups: dict[tuple[object, ...], list[Fact]] = {}
    for fact in facts:
        groups.setdefault(fact.version_key, []).append(fact)
    return [sorted(g, key=lambda f: not f.leading) for g in groups.values()]


def lines(kb: KnowledgeBase, facts: Sequence[Fact], *, label: bool = False) -> list[str]:
    out: list[str] = []
    for group in versions(facts):
        several = len(group) > 1
        out += [fact_line(kb, f, mark_leading=several, label=label) for f in group]
    return out


def leading(facts: Iterable[Fact], metric: Metric) -> Fact | None:
    found = [f for f in facts if f.metric is metric]
    if not found:
        return None
    return next((f for f in found if f.leading), found[0])
