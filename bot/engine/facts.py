"""Quick facts: answers built straight from a career's structured facts, levels and lists.

Pure (no Discord, no I/O). Every figure is shown with its period and the title of the source
it comes from; where sources disagree, every version is shown, the leading one (the most
recent official figure, marked ``leading`` in facts.yaml) first and marked "(leading)".
Answers stay within Discord's embed limits (≤25 fields, ≤1,024 characters a field value,
≤6,000 characters in all) however large a career gets.

Unknown career slugs raise ``KeyError``: callers resolve careers first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.engine.answer import Answer, AnswerField, Outcome, SourceRef, Suggestion
from bot.knowledge.base import CareerKnowledge, KnowledgeBase
from bot.knowledge.model import CareerLevel, Fact, Item, Level, Metric, Topic

MAX_FIELDS = 25
MAX_FIELD_VALUE = 1024
MAX_FIELD_NAME = 256
MAX_BODY = 4000
MAX_TOTAL = 5800
"""Discord rejects an embed over 6,000 characters; keep room for the footer/sources line."""

LEVEL_ORDER = (Level.ENTRY, Level.MID, Level.SENIOR, Level.MANAGER)
LEVEL_NAMES = {
    Level.ENTRY: "Entry level",
    Level.MID: "Mid level",
    Level.SENIOR: "Senior level",
    Level.MANAGER: "Manager level",
}
METRIC_NAMES = {
    Metric.MEDIAN_PAY_ANNUAL: "Median pay (yearly)",
    Metric.MEDIAN_PAY_HOURLY: "Median pay (hourly)",
    Metric.AVERAGE_PAY_ANNUAL: "Average pay",
    Metric.PAY_RANGE_ANNUAL: "Pay range",
    Metric.PAY_BY_LEVEL: "Pay by level",
    Metric.PAY_PERCENTILE: "Pay percentiles",
    Metric.PAY_REGIONAL: "Pay by region and type",
    Metric.GROWTH: "Job growth",
    Metric.EMPLOYMENT: "Employment",
    Metric.ANNUAL_OPENINGS: "Annual openings",
    Metric.MARKET_DEMAND: "Market demand",
    Metric.AUTOMATION_RISK: "Automation risk",
    Metric.WORK_LIFE_RATING: "Work-life balance",
    Metric.STRESS_LEVEL: "Stress level",
    Metric.RIASEC: "Personality fit (RIASEC)",
    Metric.EDUCATION: "Education",
    Metric.TRAINING_LENGTH: "Training",
    Metric.OTHER: "Other",
}


@dataclass(frozen=True, slots=True)
class ChartBar:
    """One bar of a salary chart: a range (low < high) or a point (low == high)."""

    label: str
    low: float
    high: float
    open_ended: bool
    source_id: str


# --------------------------------------------------------------------------- formatting


def _num(value: float) -> str:
    """42830 -> '42,830'; 30243.2 -> '30,243.20'; 7.3 -> '7.3'."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def _money(value: float) -> str:
    sign = "-" if value < 0 else ""
    return f"{sign}${_num(abs(value))}"


def format_value(fact: Fact) -> str:
    """The figure as people read it: '$42,830/year', '$60,000–$95,000+/year', '-5%', '7.3/10'."""
    unit = fact.unit
    suffix = {"usd_per_year": "/year", "usd_per_hour": "/hour"}.get(unit or "", "")

    def one(v: float) -> str:
        if unit in ("usd_per_year", "usd_per_hour"):
            return _money(v)
        if unit == "percent":
            return f"{v:g}%"
        if unit == "score_10":
            return f"{v:g}/10"
        return _num(v)

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


def _range_text(low: float, high: float, open_ended: bool) -> str:
    return f"{_money(low)}–{_money(high)}{'+' if open_ended else ''}/year"


def _source_titles(kb: KnowledgeBase, ids: Iterable[str]) -> str:
    return "; ".join(kb.sources[i].title if i in kb.sources else i for i in ids)


def _period(kb: KnowledgeBase, fact: Fact) -> str | None:
    """The period the figure describes, as written on the fact.

    Deliberately not the source's period: a document dated 2024 may quote undated or older
    figures, and a wrong year next to a number is worse than none (the source list shows
    each document's own period)."""
    return fact.period


def fact_line(kb: KnowledgeBase, fact: Fact, *, mark_leading: bool, label: bool = False) -> str:
    """'$42,830/year — 2024 · Customer Service Representative (leading)'."""
    parts = [p for p in (_period(kb, fact), _source_titles(kb, fact.sources)) if p]
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
    source; the leading version of disagreeing figures is marked in the name."""
    name = fact_label(fact) + (" — leading" if fact.leading else "")
    return AnswerField(
        _clip(name, MAX_FIELD_NAME), _clip(fact_line(kb, fact, mark_leading=False), MAX_FIELD_VALUE)
    )


def source_refs(kb: KnowledgeBase, ids: Iterable[str]) -> tuple[SourceRef, ...]:
    """The known sources among ``ids``, each once, in order."""
    refs: list[SourceRef] = []
    for sid in dict.fromkeys(ids):
        src = kb.sources.get(sid)
        if src is not None:
            refs.append(SourceRef(src.id, src.title, src.publisher, src.period or src.date))
    return tuple(refs)


def fact_id(topic: Topic | str, career: str, level: Level | None = None) -> str:
    """Entry id of a quick-fact answer: 'fact.<topic>.<career>[.<level>]'."""
    name = topic.value if isinstance(topic, Topic) else topic
    return f"fact.{name}.{career}" + (f".{level.value}" if level else "")


def parse_fact_id(entry_id: str) -> tuple[Topic, str, Level | None] | None:
    """(topic, career slug, level) of a topic fact id; None for anything else (the career is
    not checked here)."""
    parts = entry_id.split(".")
    if len(parts) not in (3, 4) or parts[0] != "fact":
        return None
    try:
        topic = Topic(parts[1].replace("-", "_"))
        level = Level(parts[3]) if len(parts) == 4 else None
    except ValueError:
        return None
    return topic, parts[2], level


def _versions(facts: Iterable[Fact]) -> list[list[Fact]]:
    """Facts grouped by what they measure, each group's leading version first."""
    groups: dict[tuple[object, ...], list[Fact]] = {}
    for fact in facts:
        groups.setdefault(fact.version_key, []).append(fact)
    return [sorted(g, key=lambda f: not f.leading) for g in groups.values()]


def _lines(kb: KnowledgeBase, facts: Sequence[Fact], *, label: bool = False) -> list[str]:
    lines: list[str] = []
    for group in _versions(facts):
        several = len(group) > 1
        lines += [fact_line(kb, f, mark_leading=several, label=label) for f in group]
    return lines


def _leading(facts: Iterable[Fact], metric: Metric) -> Fact | None:
    found = [f for f in facts if f.metric is metric]
    if not found:
        return None
    return next((f for f in found if f.leading), found[0])


# --------------------------------------------------------------------------- building answers


def _career(kb: KnowledgeBase, slug: str) -> CareerKnowledge:
    try:
        return kb.careers[slug]
    except KeyError:
        raise KeyError(f"unknown career '{slug}'") from None


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if "\n" in cut:
        cut = cut[: cut.rfind("\n")]
    return cut.rstrip() + "…"


class _Builder:
    """Collects fields and the sources they cite, then applies Discord's limits."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.fields: list[AnswerField] = []
        self.source_ids: list[str] = []

    def cite(self, ids: Iterable[str]) -> None:
        for sid in ids:
            if sid not in self.source_ids:
                self.source_ids.append(sid)

    def add(self, name: str, lines: Sequence[str] | str, *, inline: bool = False) -> None:
        value = lines if isinstance(lines, str) else "\n".join(lines)
        if not value.strip():
            return
        self.fields.append(
            AnswerField(_clip(name, MAX_FIELD_NAME), _clip(value, MAX_FIELD_VALUE), inline)
        )

    def facts(self, name: str, facts: Sequence[Fact], *, label: bool = False) -> None:
        if facts:
            self.add(name, _lines(self.kb, facts, label=label))
            for f in facts:
                self.cite(f.sources)

    def sources(self) -> tuple[SourceRef, ...]:
        return source_refs(self.kb, self.source_ids)

    def answer(
        self,
        *,
        title: str,
        body: str,
        topic: Topic | str,
        career: str | None,
        level: Level | None = None,
        related: Sequence[Suggestion] = (),
        entry_id: str | None = None,
    ) -> Answer:
        title = _clip(title, 256)
        body = _clip(body, MAX_BODY)
        budget = MAX_TOTAL - len(title) - len(body)
        kept: list[AnswerField] = []
        for f in self.fields[:MAX_FIELDS]:
            size = len(f.name) + len(f.value)
            if size > budget:
                break
            kept.append(f)
            budget -= size
        topic_name = topic.value if isinstance(topic, Topic) else topic
        if entry_id is None and career is not None:
            entry_id = fact_id(topic, career, level)
        return Answer(
            outcome=Outcome.ANSWER,
            title=title,
            body=body,
            fields=tuple(kept),
            sources=self.sources(),
            related=tuple(related),
            confidence=1.0,
            entry_id=entry_id,
            career=career,
            level=level.value if level else None,
            topic=topic_name,
        )


def _name(ck: CareerKnowledge) -> str:
    return ck.career.name


QUICK_TOPICS: dict[Topic, str] = {
    Topic.SALARY: "pay",
    Topic.OUTLOOK: "job outlook",
    Topic.EDUCATION: "education",
    Topic.ADVANCEMENT: "career path",
    Topic.SKILLS: "skills",
    Topic.CERTIFICATIONS: "certifications",
    Topic.OVERVIEW: "overview",
}


def _related(
    kb: KnowledgeBase, slug: str, topic: Topic, *, also: Sequence[Topic] = ()
) -> tuple[Suggestion, ...]:
    """Other quick facts for the same career, then Q&A entries of this career on the topic."""
    ck = _career(kb, slug)
    found: list[Suggestion] = []
    for other in also:
        if other is not topic and has_data(kb, slug, other):
            question = f"{_name(ck)} {QUICK_TOPICS.get(other, other.value.replace('_', ' '))}"
            found.append(Suggestion(f"fact.{other.value}.{slug}", question[:100]))
    for entry in ck.entries:
        if entry.topic is topic and len(found) < 5:
            found.append(Suggestion(entry.id, entry.question))
    return tuple(found[:5])


# --------------------------------------------------------------------------- salary


def _level_facts(ck: CareerKnowledge, level: Level) -> list[Fact]:
    return [
        f
        for f in ck.facts
        if f.level is level and f.metric in (Metric.PAY_BY_LEVEL, Metric.AVERAGE_PAY_ANNUAL)
    ]


def _level_lines(
    kb: KnowledgeBase, ck: CareerKnowledge, level: Level
) -> tuple[list[str], set[str]]:
    """Every version of a level's pay: facts first (leading first), then levels.yaml's range
    unless a fact already states the same range from the same sources."""
    facts = _level_facts(ck, level)
    lines = _lines(kb, facts, label=len({f.metric for f in facts}) > 1)
    cited = {s for f in facts for s in f.sources}
    info = _level(ck, level)
    if info is not None and info.salary is not None:
        sal = info.salary
        same = any(
            f.low == sal.low and f.high == sal.high and set(f.sources) == set(sal.sources)
            for f in facts
        )
        if not same:
            lines.append(
                f"{_range_text(sal.low, sal.high, sal.open_ended)} — "
                f"{_source_titles(kb, sal.sources)}"
            )
            cited |= set(sal.sources)
    return lines, cited


def _level_headline(ck: CareerKnowledge, level: Level) -> str:
    """The leading pay of a level: its leading pay_by_level fact, else levels.yaml's range."""
    facts = [f for f in _level_facts(ck, level) if f.metric is Metric.PAY_BY_LEVEL]
    lead = next((f for f in facts if f.leading), facts[0] if facts else None)
    if lead is not None:
        return format_value(lead)
    info = _level(ck, level)
    if info is not None and info.salary is not None:
        return _range_text(info.salary.low, info.salary.high, info.salary.open_ended)
    facts = _level_facts(ck, level)
    return format_value(facts[0]) if facts else "not stated"


def _level(ck: CareerKnowledge, level: Level) -> CareerLevel | None:
    return next((lv for lv in ck.levels if lv.level is level), None)


PAY_METRICS = (
    Metric.MEDIAN_PAY_ANNUAL,
    Metric.MEDIAN_PAY_HOURLY,
    Metric.AVERAGE_PAY_ANNUAL,
    Metric.PAY_RANGE_ANNUAL,
    Metric.PAY_PERCENTILE,
    Metric.PAY_REGIONAL,
)


def salary(kb: KnowledgeBase, career: str, level: Level | None = None) -> Answer:
    """Median yearly and hourly pay, pay by level, percentiles, range and regional extremes."""
    ck = _career(kb, career)
    b = _Builder(kb)
    median = _leading(ck.facts, Metric.MEDIAN_PAY_ANNUAL)
    hourly = _leading(ck.facts, Metric.MEDIAN_PAY_HOURLY)
    headline = ""
    if median is not None:
        headline = f"Median pay: {format_value(median)}"
        if hourly is not None:
            headline += f" ({format_value(hourly)})"
        period = _period(kb, median)
        headline += f" — {period}." if period else "."
    also = (Topic.OUTLOOK, Topic.EDUCATION, Topic.ADVANCEMENT)
    if level is not None:
        lines, cited = _level_lines(kb, ck, level)
        info = _level(ck, level)
        title = f"{_name(ck)} pay — {LEVEL_NAMES[level]}"
        if lines:
            b.add(f"{LEVEL_NAMES[level]} pay", lines)
            b.cite(cited)
            body = f"{LEVEL_NAMES[level]}: {_level_headline(ck, level)}."
        else:
            body = f"The sources give no pay figure for the {level.value} level."
        if info is not None:
            if info.experience:
                b.add("Experience", info.experience, inline=True)
            if info.titles:
                b.add("Job titles", ", ".join(info.titles), inline=True)
            b.cite(info.sources)
        if median is not None:
            body += f"\nAll levels — {headline}"
            b.facts("Median pay (all levels)", [median, *([hourly] if hourly else [])])
        return b.answer(
            title=title,
            body=body,
            topic=Topic.SALARY,
            career=career,
            level=level,
            related=_related(kb, career, Topic.SALARY, also=also),
        )
    for metric in PAY_METRICS:
        facts = [f for f in ck.facts if f.metric is metric]
        if metric is Metric.AVERAGE_PAY_ANNUAL:
            facts = [f for f in facts if f.level is None]
        label = metric in (Metric.AVERAGE_PAY_ANNUAL, Metric.PAY_PERCENTILE, Metric.PAY_REGIONAL)
        b.facts(METRIC_NAMES[metric], facts, label=label)
        if metric is Metric.MEDIAN_PAY_HOURLY:
            by_level: list[str] = []
            for lv in LEVEL_ORDER:
                lines, cited = _level_lines(kb, ck, lv)
                if lines:
                    by_level += [f"**{LEVEL_NAMES[lv]}**", *lines]
                    b.cite(cited)
            b.add("Pay by level", by_level)
    if not b.fields:
        body = "The sources give no pay figures for this career."
    else:
        body = headline or "Pay figures as the sources state them."
        if len({f.value for f in ck.facts if f.metric is Metric.MEDIAN_PAY_ANNUAL}) > 1:
            body += " Sources differ; each version is listed with its period and source."
    return b.answer(
        title=f"{_name(ck)} pay",
        body=body,
        topic=Topic.SALARY,
        career=career,
        related=_related(kb, career, Topic.SALARY, also=also),
    )


def salary_chart_data(kb: KnowledgeBase, career: str) -> list[ChartBar]:
    """Bars per level and source: ranges from levels.yaml and pay_by_level facts, points too."""
    ck = _career(kb, career)
    bars: list[ChartBar] = []
    seen: set[tuple[str, float, float, str]] = set()

    def add(label: str, low: float, high: float, open_ended: bool, source: str) -> None:
        key = (label, low, high, source)
        if key not in seen:
            seen.add(key)
            bars.append(ChartBar(label, low, high, open_ended, source))

    for lv in LEVEL_ORDER:
        label = LEVEL_NAMES[lv]
        for f in sorted(
            (f for f in ck.facts if f.metric is Metric.PAY_BY_LEVEL and f.level is lv),
            key=lambda f: not f.leading,
        ):
            if f.low is not None and f.high is not None:
                add(label, f.low, f.high, f.open_ended, f.sources[0])
            elif f.value is not None:
                add(label, f.value, f.value, f.open_ended, f.sources[0])
        info = _level(ck, lv)
        if info is not None and info.salary is not None:
            s = info.salary
            add(label, s.low, s.high, s.open_ended, s.sources[0])
    return bars


# --------------------------------------------------------------------------- other quick facts


def _metric_answer(
    kb: KnowledgeBase,
    career: str,
    topic: Topic,
    metrics: Sequence[Metric],
    title: str,
    *,
    also: Sequence[Topic] = (),
) -> Answer:
    ck = _career(kb, career)
    b = _Builder(kb)
    first: Fact | None = None
    for metric in metrics:
        facts = [f for f in ck.facts if f.metric is metric]
        label = len(_versions(facts)) > 1 or metric in (Metric.RIASEC, Metric.PAY_REGIONAL)
        b.facts(METRIC_NAMES[metric], facts, label=label)
        first = first or _leading(facts, metric)
    riasec = [f for f in ck.facts if f.metric is Metric.RIASEC and f.value is not None]
    if first is None:
        body = f"The sources give no {title.lower()} figures for this career."
    elif first.metric is Metric.RIASEC and riasec:
        top = max(riasec, key=lambda f: f.value or 0.0)
        body = f"Best fit: {top.dimension or top.label} {format_value(top)}."
    else:
        what = first.label or METRIC_NAMES[first.metric]
        body = f"{what}: {format_value(first)}."
    return b.answer(
        title=f"{_name(ck)} — {title}",
        body=body,
        topic=topic,
        career=career,
        related=_related(kb, career, topic, also=also),
    )


def outlook(kb: KnowledgeBase, career: str) -> Answer:
    """Growth (every source's version), employment, openings, demand, automation risk."""
    return _metric_answer(
        kb,
        career,
        Topic.OUTLOOK,
        (
            Metric.GROWTH,
            Metric.EMPLOYMENT,
            Metric.ANNUAL_OPENINGS,
            Metric.MARKET_DEMAND,
            Metric.AUTOMATION_RISK,
        ),
        "Job outlook",
        also=(Topic.SALARY, Topic.ADVANCEMENT),
    )


def education(kb: KnowledgeBase, career: str) -> Answer:
    """Typical education (every version), training length, and what each level asks for."""
    ck = _career(kb, career)
    b = _Builder(kb)
    b.facts("Education", [f for f in ck.facts if f.metric is Metric.EDUCATION])
    b.facts(
        "Training and study time",
        [f for f in ck.facts if f.metric is Metric.TRAINING_LENGTH],
        label=True,
    )
    by_level = [f"{LEVEL_NAMES[lv.level]}: {lv.education}" for lv in ck.levels if lv.education]
    if by_level:
        b.add("By level", by_level)
        b.cite(s for lv in ck.levels if lv.education for s in lv.sources)
    lead = _leading(ck.facts, Metric.EDUCATION)
    body = (
        f"Typical education: {format_value(lead)}."
        if lead
        else "The sources state no typical education for this career."
    )
    return b.answer(
        title=f"{_name(ck)} — Education",
        body=body,
        topic=Topic.EDUCATION,
        career=career,
        related=_related(
            kb, career, Topic.EDUCATION, also=(Topic.CERTIFICATIONS, Topic.SKILLS, Topic.SALARY)
        ),
    )


def _items(b: _Builder, items: Sequence[Item], default_group: str, *, detail: bool = False) -> None:
    groups: dict[str, list[Item]] = {}
    for item in items:
        groups.setdefault(item.group or default_group, []).append(item)
    for name, members in groups.items():
        shown = []
        for it in members:
            text = it.name
            if it.issuer:
                text += f" ({it.issuer})"
            if detail and it.detail:
                text += f" — {it.detail}"
            shown.append(text)
        b.add(name, ", ".join(shown) if not detail else "\n".join(f"• {s}" for s in shown))
        b.cite(s for it in members for s in it.sources)


def _list_answer(kb: KnowledgeBase, career: str, topic: Topic, attr: str, title: str) -> Answer:
    ck = _career(kb, career)
    b = _Builder(kb)
    items: Sequence[Item] = getattr(ck.lists, attr)
    _items(b, items, title)
    body = (
        f"{len(items)} {title.lower()} named by the sources."
        if items
        else f"The sources list no {title.lower()} for this career."
    )
    return b.answer(
        title=f"{_name(ck)} — {title}",
        body=body,
        topic=topic,
        career=career,
        related=_related(kb, career, topic, also=(Topic.SKILLS, Topic.CERTIFICATIONS)),
    )


def skills(kb: KnowledgeBase, career: str) -> Answer:
    """Skills grouped as the sources group them, and the tools of the trade."""
    ck = _career(kb, career)
    b = _Builder(kb)
    _items(b, ck.lists.skills, "Skills")
    if ck.lists.tools:
        b.add("Tools", ", ".join(t.name for t in ck.lists.tools))
        b.cite(s for t in ck.lists.tools for s in t.sources)
    n = len(ck.lists.skills)
    body = (
        f"{n} skills named by the sources." if n else "The sources list no skills for this career."
    )
    return b.answer(
        title=f"{_name(ck)} — Skills",
        body=body,
        topic=Topic.SKILLS,
        career=career,
        related=_related(kb, career, Topic.SKILLS, also=(Topic.CERTIFICATIONS, Topic.EDUCATION)),
    )


def certifications(kb: KnowledgeBase, career: str) -> Answer:
    """Certifications with issuers, and which level recommends which."""
    ck = _career(kb, career)
    b = _Builder(kb)
    _items(b, ck.lists.certifications, "Certifications", detail=True)
    listed = [it.name.casefold() for it in ck.lists.certifications]
    for lv in ck.levels:
        # Lists often repeat the levels' certifications; show a level only for what is new.
        new = [c for c in lv.certifications if not _named(c, listed)]
        if new:
            note = f" ({lv.certifications_note})" if lv.certifications_note else ""
            b.add(f"{LEVEL_NAMES[lv.level]}{note}", ", ".join(new))
            b.cite(lv.sources)
    n = len(ck.lists.certifications)
    body = (
        f"{n} certifications named by the sources."
        if n or b.fields
        else "The sources list no certifications for this career."
    )
    return b.answer(
        title=f"{_name(ck)} — Certifications",
        body=body,
        topic=Topic.CERTIFICATIONS,
        career=career,
        related=_related(kb, career, Topic.CERTIFICATIONS, also=(Topic.EDUCATION, Topic.SKILLS)),
    )


def _named(name: str, listed: Sequence[str]) -> bool:
    """'Six Sigma (for process roles)' is already listed as 'Six Sigma'."""
    key = name.casefold()
    return any(key == other or key.startswith(other + " (") for other in listed)


def path(kb: KnowledgeBase, career: str) -> Answer:
    """Career levels (titles, experience) and every advancement ladder a source describes."""
    ck = _career(kb, career)
    b = _Builder(kb)
    for lv in ck.levels:
        lines = []
        if lv.titles:
            lines.append("Titles: " + ", ".join(lv.titles))
        if lv.education:
            lines.append(f"Education: {lv.education}")
        if lv.salary is not None:
            lines.append("Pay: " + _range_text(lv.salary.low, lv.salary.high, lv.salary.open_ended))
        name = LEVEL_NAMES[lv.level] + (f" · {lv.experience}" if lv.experience else "")
        b.add(name, lines or [lv.name])
        b.cite(lv.sources)
    for ladder in ck.ladders:
        steps = " → ".join(s.title for s in ladder.steps)
        b.add(f"{ladder.name} ({_source_titles(kb, ladder.sources)})", steps)
        b.cite(ladder.sources)
    body = (
        f"{len(ck.levels)} levels and {len(ck.ladders)} advancement paths from the sources."
        if b.fields
        else "The sources describe no career path for this career."
    )
    return b.answer(
        title=f"{_name(ck)} — Career path",
        body=body,
        topic=Topic.ADVANCEMENT,
        career=career,
        related=_related(kb, career, Topic.ADVANCEMENT, also=(Topic.SALARY, Topic.CERTIFICATIONS)),
    )


def profile(kb: KnowledgeBase, career: str) -> Answer:
    """Overview: the summary and key figures (leading versions), related careers."""
    ck = _career(kb, career)
    c = ck.career
    b = _Builder(kb)
    b.cite(c.sources)
    for metric in (Metric.MEDIAN_PAY_ANNUAL, Metric.EDUCATION, Metric.GROWTH):
        lead = _leading(ck.facts, metric)
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
    return b.answer(
        title=c.name,
        body=c.summary,
        topic=Topic.OVERVIEW,
        career=career,
        related=_related(kb, career, Topic.OVERVIEW, also=(Topic.SALARY, Topic.OUTLOOK)),
    )


def related_careers(kb: KnowledgeBase, career: str) -> Answer:
    """Each related career with its leading pay and education."""
    ck = _career(kb, career)
    b = _Builder(kb)
    for slug in ck.career.related:
        other = kb.careers.get(slug)
        if other is None:
            continue
        lines = []
        for metric in (Metric.MEDIAN_PAY_ANNUAL, Metric.EDUCATION):
            lead = _leading(other.facts, metric)
            if lead is not None:
                lines.append(f"{METRIC_NAMES[metric]}: {fact_line(kb, lead, mark_leading=False)}")
                b.cite(lead.sources)
        b.add(other.career.name, lines or ["No figures in the sources."], inline=False)
    body = (
        f"{len(b.fields)} related careers named by the sources."
        if b.fields
        else "The sources name no related careers."
    )
    return b.answer(
        title=f"Careers related to {_name(ck)}",
        body=body,
        topic=Topic.RELATED_CAREERS,
        career=career,
        related=_related(kb, career, Topic.RELATED_CAREERS),
    )


def compare(kb: KnowledgeBase, a: str, b: str) -> Answer:
    """Two careers side by side: median pay, education and growth where known."""
    ca, cb = _career(kb, a), _career(kb, b)
    builder = _Builder(kb)
    rows = (Metric.MEDIAN_PAY_ANNUAL, Metric.EDUCATION, Metric.GROWTH)
    leads: dict[tuple[str, Metric], Fact | None] = {}
    for metric in rows:
        row = [(ck, _leading(ck.facts, metric)) for ck in (ca, cb)]
        if all(f is None for _, f in row):
            continue
        for ck, fact in row:
            leads[(ck.career.slug, metric)] = fact
            value = fact_line(kb, fact, mark_leading=False) if fact else "not stated"
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
            + (f"; {higher.career.name} earns {_money(abs(diff))} more." if diff else ".")
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
        entry_id=f"fact.compare.{a}.{b}",
        related=(
            Suggestion(f"fact.salary.{a}", f"{ca.career.name} pay"),
            Suggestion(f"fact.salary.{b}", f"{cb.career.name} pay"),
        ),
    )


def sources(kb: KnowledgeBase) -> Answer:
    """Every source document: title, publisher/author, date and period, what it cites."""
    b = _Builder(kb)
    for src in kb.sources.values():
        lines = [f"Kind: {src.kind}"]
        for label, val in (
            ("Publisher", src.publisher),
            ("Author", src.author),
            ("Date", src.date),
            ("Figures for", src.period),
        ):
            if val:
                lines.append(f"{label}: {val}")
        if src.cites:
            lines.append("Cites: " + ", ".join(src.cites))
        b.add(src.title, lines)
        b.cite([src.id])
    return b.answer(
        title="Sources",
        body=f"Every answer comes from these {len(kb.sources)} documents.",
        topic="sources",
        career=None,
        entry_id="fact.sources",
    )


# --------------------------------------------------------------------------- topics


_METRIC_TOPICS: dict[Topic, tuple[tuple[Metric, ...], str]] = {
    Topic.HOURLY_PAY: ((Metric.MEDIAN_PAY_HOURLY,), "Hourly pay"),
    Topic.PERCENTILES: ((Metric.PAY_PERCENTILE, Metric.PAY_RANGE_ANNUAL), "Pay percentiles"),
    Topic.REGIONS: ((Metric.PAY_REGIONAL,), "Pay by region"),
    Topic.AUTOMATION: ((Metric.AUTOMATION_RISK,), "Automation risk"),
    Topic.TRAINING: ((Metric.TRAINING_LENGTH,), "Training"),
    Topic.WORK_LIFE: ((Metric.WORK_LIFE_RATING, Metric.STRESS_LEVEL), "Work-life balance"),
    Topic.STRESS: ((Metric.STRESS_LEVEL, Metric.WORK_LIFE_RATING), "Stress"),
    Topic.PERSONALITY: ((Metric.RIASEC,), "Personality fit"),
}
_LIST_TOPICS: dict[Topic, tuple[str, str]] = {
    Topic.TOOLS: ("tools", "Tools"),
    Topic.RESOURCES: ("resources", "Resources"),
    Topic.INDUSTRIES: ("industries", "Industries"),
    Topic.TYPES: ("types", "Types of role"),
}
SUPPORTED_TOPICS = frozenset(
    {
        Topic.SALARY,
        Topic.OUTLOOK,
        Topic.EDUCATION,
        Topic.CERTIFICATIONS,
        Topic.ADVANCEMENT,
        Topic.SKILLS,
        Topic.RELATED_CAREERS,
        Topic.OVERVIEW,
        *_METRIC_TOPICS,
        *_LIST_TOPICS,
    }
)


def has_data(kb: KnowledgeBase, career: str, topic: Topic, level: Level | None = None) -> bool:
    """Whether the career has structured data for a quick-fact answer on ``topic``."""
    ck = _career(kb, career)
    metrics = {f.metric for f in ck.facts}
    if topic is Topic.SALARY:
        if level is not None:
            info = _level(ck, level)
            return bool(_level_facts(ck, level)) or (info is not None and info.salary is not None)
        return bool(metrics & {*PAY_METRICS, Metric.PAY_BY_LEVEL}) or any(
            lv.salary for lv in ck.levels
        )
    if topic in _METRIC_TOPICS:
        return bool(metrics & set(_METRIC_TOPICS[topic][0]))
    if topic in _LIST_TOPICS:
        return bool(getattr(ck.lists, _LIST_TOPICS[topic][0]))
    if topic is Topic.OUTLOOK:
        return bool(
            metrics
            & {
                Metric.GROWTH,
                Metric.EMPLOYMENT,
                Metric.ANNUAL_OPENINGS,
                Metric.MARKET_DEMAND,
                Metric.AUTOMATION_RISK,
            }
        )
    if topic is Topic.EDUCATION:
        return bool(metrics & {Metric.EDUCATION, Metric.TRAINING_LENGTH}) or any(
            lv.education for lv in ck.levels
        )
    if topic is Topic.CERTIFICATIONS:
        return bool(ck.lists.certifications) or any(lv.certifications for lv in ck.levels)
    if topic is Topic.ADVANCEMENT:
        return bool(ck.levels or ck.ladders)
    if topic is Topic.SKILLS:
        return bool(ck.lists.skills)
    if topic is Topic.RELATED_CAREERS:
        return any(s in kb.careers for s in ck.career.related)
    return topic is Topic.OVERVIEW


def answer_for_topic(
    kb: KnowledgeBase, career: str, topic: Topic, level: Level | None
) -> Answer | None:
    """The quick-fact answer for a detected topic, or None when there is no structured data."""
    if topic not in SUPPORTED_TOPICS or not has_data(kb, career, topic, level):
        return None
    if topic is Topic.SALARY:
        return salary(kb, career, level)
    if topic in _METRIC_TOPICS:
        metrics, title = _METRIC_TOPICS[topic]
        return _metric_answer(kb, career, topic, metrics, title, also=(Topic.SALARY,))
    if topic in _LIST_TOPICS:
        attr, title = _LIST_TOPICS[topic]
        return _list_answer(kb, career, topic, attr, title)
    simple = {
        Topic.OUTLOOK: outlook,
        Topic.EDUCATION: education,
        Topic.CERTIFICATIONS: certifications,
        Topic.ADVANCEMENT: path,
        Topic.SKILLS: skills,
        Topic.RELATED_CAREERS: related_careers,
        Topic.OVERVIEW: profile,
    }
    return simple[topic](kb, career)


def answer_for_fact_id(kb: KnowledgeBase, fact_id: str) -> Answer | None:
    """Rebuild a quick-fact answer from its entry id (buttons, votes, ``/kb entry``)."""
    parts = fact_id.split(".")
    if parts[:1] != ["fact"]:
        return None
    if parts == ["fact", "sources"]:
        return sources(kb)
    if len(parts) == 4 and parts[1] == "compare":
        if parts[2] in kb.careers and parts[3] in kb.careers:
            return compare(kb, parts[2], parts[3])
        return None
    parsed = parse_fact_id(fact_id)
    if parsed is None or parsed[1] not in kb.careers:
        return None
    topic, career, level = parsed
    return answer_for_topic(kb, career, topic, level)
