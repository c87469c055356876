"""Pay: median yearly and hourly pay, pay by level, percentiles, range, regions; chart data."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.engine.answer import Answer
from bot.engine.facts.builder import Builder, career_of
from bot.engine.facts.format import format_value, leading, lines, range_text, source_titles
from bot.engine.facts.wording import LEVEL_NAMES, LEVEL_ORDER, METRIC_NAMES, NOT_STATED
from bot.knowledge.base import CareerKnowledge, KnowledgeBase
from bot.knowledge.model import CareerLevel, Fact, Level, Metric, Topic

PAY_METRICS = (
    Metric.MEDIAN_PAY_ANNUAL,
    Metric.MEDIAN_PAY_HOURLY,
    Metric.AVERAGE_PAY_ANNUAL,
    Metric.PAY_RANGE_ANNUAL,
    Metric.PAY_PERCENTILE,
    Metric.PAY_REGIONAL,
)


def level_info(ck: CareerKnowledge, level: Level) -> CareerLevel | None:
    return next((lv for lv in ck.levels if lv.level is level), None)


def level_facts(ck: CareerKnowledge, level: Level) -> list[Fact]:
    return [
        f
        for f in ck.facts
        if f.level is level and f.metric in (Metric.PAY_BY_LEVEL, Metric.AVERAGE_PAY_ANNUAL)
    ]


def has_pay(kb: KnowledgeBase, ck: CareerKnowledge, level: Level | None) -> bool:
    if level is not None:
        info = level_info(ck, level)
        return bool(level_facts(ck, level)) or (info is not None and info.salary is not None)
    metrics = {f.metric for f in ck.facts}
    return bool(metrics & {*PAY_METRICS, Metric.PAY_BY_LEVEL}) or any(lv.salary for lv in ck.levels)


def _level_lines(
    kb: KnowledgeBase, ck: CareerKnowledge, level: Level
) -> tuple[list[str], set[str]]:
    """Every version of a level's pay: facts first (leading first), then levels.yaml's range
    unless a fact already states the same range from the same sources."""
    facts = level_facts(ck, level)
    out = lines(kb, facts, label=len({f.metric for f in facts}) > 1)
    cited = {s for f in facts for s in f.sources}
    info = level_info(ck, level)
    if info is not None and info.salary is not None:
        sal = info.salary
        same = any(
            f.low == sal.low and f.high == sal.high and set(f.sources) == set(sal.sources)
            for f in facts
        )
        if not same:
            out.append(
                f"{range_text(sal.low, sal.high, sal.open_ended)} — "
                f"{source_titles(kb, sal.sources)}"
            )
            cited |= set(sal.sources)
    return out, cited


def _level_headline(ck: CareerKnowledge, level: Level) -> str:
    """The leading pay of a level: its leading pay_by_level fact, else levels.yaml's range."""
    facts = [f for f in level_facts(ck, level) if f.metric is Metric.PAY_BY_LEVEL]
    lead = next((f for f in facts if f.leading), facts[0] if facts else None)
    if lead is not None:
        return format_value(lead)
    info = level_info(ck, level)
    if info is not None and info.salary is not None:
        return range_text(info.salary.low, info.salary.high, info.salary.open_ended)
    facts = level_facts(ck, level)
    return format_value(facts[0]) if facts else NOT_STATED


def _headline(ck: CareerKnowledge) -> tuple[str, Fact | None, Fact | None]:
    median = leading(ck.facts, Metric.MEDIAN_PAY_ANNUAL)
    hourly = leading(ck.facts, Metric.MEDIAN_PAY_HOURLY)
    if median is None:
        return "", None, hourly
    text = f"Median pay: {format_value(median)}"
    if hourly is not None:
        text += f" ({format_value(hourly)})"
    text += f" — {median.period}." if median.period else "."
    return text, median, hourly


def salary(kb: KnowledgeBase, career: str, level: Level | None = None) -> Answer:
    """Median yearly and hourly pay, pay by level, percentiles, range and regional extremes."""
    ck = career_of(kb, career)
    b = Builder(kb)
    headline, median, hourly = _headline(ck)
    name = ck.career.name
    if level is not None:
        level_lines, cited = _level_lines(kb, ck, level)
        info = level_info(ck, level)
        if level_lines:
            b.add(f"{LEVEL_NAMES[level]} pay", level_lines)
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
            title=f"{name} pay — {LEVEL_NAMES[level]}",
            body=body,
            topic=Topic.SALARY,
            career=career,
            level=level,
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
                found, cited = _level_lines(kb, ck, lv)
                if found:
                    by_level += [f"**{LEVEL_NAMES[lv]}**", *found]
                    b.cite(cited)
            b.add("Pay by level", by_level)
    if not b.fields:
        body = "The sources give no pay figures for this career."
    else:
        body = headline or "Pay figures as the sources state them."
        if len({f.value for f in ck.facts if f.metric is Metric.MEDIAN_PAY_ANNUAL}) > 1:
            body += " Sources differ; each version is listed with its period and source."
    return b.answer(title=f"{name} pay", body=body, topic=Topic.SALARY, career=career)


# --------------------------------------------------------------------------- chart


@dataclass(frozen=True, slots=True)
class ChartBar:
    """One bar of a salary chart: a range (low < high) or a single figure (low == high)."""

    label: str
    low: float
    high: float
    open_ended: bool
    source_id: str
    source: str = ""
    """The source's short title, for the axis (never its id)."""
    level: str = ""
    highlight: bool = False
    """The level the question asked about."""

    @property
    def is_point(self) -> bool:
        return self.low == self.high


_SPLIT = re.compile(r":\s+|\s+[—–-]\s+")


SHORT_TITLE_MAX = 36


def short_title(title: str, names: tuple[str, ...] = (), short: str = "") -> str:
    """A source title short enough for a chart axis: the career's name (``names``, longest
    first) replaced by its ``short`` alias, then the first part of a "Title: subtitle" or
    "Title — subtitle" that says more than one word, cut to 36 characters.

    'The Unsung Heroes: Understanding …' -> 'The Unsung Heroes';
    'Customer Service Representative Career Path Guide' -> 'CSR Career Path Guide'."""
    text = title
    if short:
        for name in sorted(names, key=len, reverse=True):
            text = re.sub(rf"\b{re.escape(name)}(s?)\b", rf"{short}\1", text, flags=re.I)
    parts = [p for p in _SPLIT.split(text) if p.strip()]
    head = next((p for p in parts if len(p.split()) > 1), text)
    if len(head) <= SHORT_TITLE_MAX:
        return head.strip()
    cut = head[: SHORT_TITLE_MAX - 1]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:") + "…"


def _short_alias(ck: CareerKnowledge) -> str:
    """The career's acronym alias ('CSR'), if it has one."""
    return next((a for a in ck.career.aliases if a.isupper() and 2 <= len(a) <= 5), "")


def salary_chart_data(kb: KnowledgeBase, career: str, level: Level | None = None) -> list[ChartBar]:
    """Bars per level and source, leading first: ranges and single figures from pay_by_level
    facts and levels.yaml; the bars of ``level`` (the one asked about) are highlighted."""
    ck = career_of(kb, career)
    names = tuple(n for n in (ck.career.name, ck.career.plural) if n)
    alias = _short_alias(ck)
    bars: list[ChartBar] = []
    seen: set[tuple[str, float, float, str]] = set()

    def add(lv: Level, low: float, high: float, open_ended: bool, source: str) -> None:
        label = LEVEL_NAMES[lv]
        key = (label, low, high, source)
        if key in seen:
            return
        seen.add(key)
        src = kb.sources.get(source)
        title = short_title(src.title, names, alias) if src is not None else source
        bars.append(ChartBar(label, low, high, open_ended, source, title, lv.value, lv is level))

    for lv in LEVEL_ORDER:
        for f in sorted(
            (f for f in ck.facts if f.metric is Metric.PAY_BY_LEVEL and f.level is lv),
            key=lambda f: not f.leading,
        ):
            if f.low is not None and f.high is not None:
                add(lv, f.low, f.high, f.open_ended, f.sources[0])
            elif f.value is not None:
                add(lv, f.value, f.value, f.open_ended, f.sources[0])
        info = level_info(ck, lv)
        if info is not None and info.salary is not None:
            s = info.salary
            add(lv, s.low, s.high, s.open_ended, s.sources[0])
    return bars
