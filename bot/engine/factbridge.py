"""Answers from structured facts: ``bot.engine.facts.answer_for_topic`` when it exists.

The loader helper owns ``bot/engine/facts.py``. Until it is present (or if it does not answer a
topic) a small fallback here builds the answer from the career's facts and lists, so the engine
works on its own and never invents figures: everything shown comes from the knowledge files.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import cast

from bot.engine.answer import Answer, AnswerField, Outcome, SourceRef
from bot.knowledge.base import CareerKnowledge, KnowledgeBase
from bot.knowledge.model import Fact, Item, Level, Metric, Topic

TopicAnswerer = Callable[[KnowledgeBase, str, Topic, Level | None], Answer | None]

TOPIC_METRICS: dict[Topic, tuple[Metric, ...]] = {
    Topic.SALARY: (
        Metric.MEDIAN_PAY_ANNUAL,
        Metric.AVERAGE_PAY_ANNUAL,
        Metric.PAY_RANGE_ANNUAL,
        Metric.PAY_BY_LEVEL,
        Metric.MEDIAN_PAY_HOURLY,
    ),
    Topic.HOURLY_PAY: (Metric.MEDIAN_PAY_HOURLY,),
    Topic.PERCENTILES: (Metric.PAY_PERCENTILE,),
    Topic.REGIONS: (Metric.PAY_REGIONAL,),
    Topic.OUTLOOK: (
        Metric.GROWTH,
        Metric.EMPLOYMENT,
        Metric.ANNUAL_OPENINGS,
        Metric.MARKET_DEMAND,
    ),
    Topic.AUTOMATION: (Metric.AUTOMATION_RISK,),
    Topic.EDUCATION: (Metric.EDUCATION, Metric.TRAINING_LENGTH),
    Topic.TRAINING: (Metric.TRAINING_LENGTH,),
    Topic.STRESS: (Metric.STRESS_LEVEL,),
    Topic.WORK_LIFE: (Metric.WORK_LIFE_RATING,),
    Topic.PERSONALITY: (Metric.RIASEC,),
}

TOPIC_LISTS: dict[Topic, str] = {
    Topic.SKILLS: "skills",
    Topic.TOOLS: "tools",
    Topic.CERTIFICATIONS: "certifications",
    Topic.RESOURCES: "resources",
    Topic.INDUSTRIES: "industries",
    Topic.TYPES: "types",
}

TOPIC_TITLES: dict[Topic, str] = {
    Topic.SALARY: "pay",
    Topic.HOURLY_PAY: "hourly pay",
    Topic.PERCENTILES: "pay percentiles",
    Topic.REGIONS: "pay by region",
    Topic.OUTLOOK: "job outlook",
    Topic.AUTOMATION: "automation risk",
    Topic.EDUCATION: "education",
    Topic.TRAINING: "training",
    Topic.STRESS: "stress",
    Topic.WORK_LIFE: "work-life balance",
    Topic.PERSONALITY: "personality fit",
    Topic.SKILLS: "skills",
    Topic.TOOLS: "tools",
    Topic.CERTIFICATIONS: "certifications",
    Topic.RESOURCES: "resources",
    Topic.INDUSTRIES: "industries",
    Topic.TYPES: "types of role",
    Topic.ADVANCEMENT: "career path",
    Topic.RELATED_CAREERS: "related careers",
}


def format_number(value: float, unit: str | None) -> str:
    if unit == "usd_per_year":
        return f"${value:,.0f}"
    if unit == "usd_per_hour":
        return f"${value:,.2f}"
    if unit == "percent":
        return f"{value:g}%"
    if unit == "score_10":
        return f"{value:g}/10"
    if unit == "weeks":
        return f"{value:g} weeks"
    if unit == "years":
        return f"{value:g} years"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


_BOUND = {"below": "less than ", "above": "more than ", "from": "from ", "about": "about "}


def format_fact(fact: Fact) -> str:
    """A fact's value as people read it, e.g. '$37,230', '$30,000–$40,000', '$95,000+'."""
    if fact.text is not None and fact.value is None and fact.low is None:
        return fact.text
    prefix = _BOUND.get(fact.bound or "", "")
    if fact.value is not None:
        shown = format_number(fact.value, fact.unit)
    elif fact.low is not None and fact.high is None:
        shown = format_number(fact.low, fact.unit) + "+"
    elif fact.low is not None and fact.high is not None:
        shown = f"{format_number(fact.low, fact.unit)}–{format_number(fact.high, fact.unit)}"
        if fact.open_ended:
            shown += "+"
    else:
        shown = fact.text or ""
    if fact.text and (fact.value is not None or fact.low is not None):
        shown += f" ({fact.text})"
    return prefix + shown


def fact_label(fact: Fact) -> str:
    if fact.label:
        return fact.label
    parts = [fact.metric.value.replace("_", " ").capitalize()]
    if fact.level:
        parts.append(f"({fact.level.value} level)")
    if fact.percentile:
        parts.append(f"({fact.percentile}th percentile)")
    if fact.region:
        parts.append(f"({fact.region})")
    if fact.qualifier:
        parts.append(f"({fact.qualifier})")
    if fact.dimension:
        parts.append(f"({fact.dimension})")
    return " ".join(parts)


def source_refs(kb: KnowledgeBase, ids: list[str]) -> tuple[SourceRef, ...]:
    refs: list[SourceRef] = []
    seen: set[str] = set()
    for sid in ids:
        src = kb.sources.get(sid)
        if src is None or sid in seen:
            continue
        seen.add(sid)
        refs.append(SourceRef(sid, src.title, src.publisher, src.period))
    return tuple(refs)


def fact_field(kb: KnowledgeBase, fact: Fact) -> AnswerField:
    """One fact as a field: value, its sources' titles and the period; leading ones marked."""
    src_titles = [kb.sources[s].title for s in fact.sources if s in kb.sources]
    detail = [format_fact(fact)]
    meta = "; ".join(src_titles)
    if fact.period:
        meta = f"{meta}, {fact.period}" if meta else fact.period
    if meta:
        detail.append(f"({meta})")
    name = fact_label(fact) + (" — leading" if fact.leading else "")
    return AnswerField(name=name, value=" ".join(detail))


def _level_ok(fact: Fact, level: Level | None) -> bool:
    return level is None or fact.level is None or fact.level == level


def fallback_answer(
    kb: KnowledgeBase, career: str, topic: Topic, level: Level | None
) -> Answer | None:
    """A plain answer from the career's facts/lists; None when the knowledge has nothing."""
    ck = kb.careers.get(career)
    if ck is None:
        return None
    name = ck.career.name
    fields: list[AnswerField] = []
    source_ids: list[str] = []
    if topic in TOPIC_METRICS:
        metrics = TOPIC_METRICS[topic]
        facts = [f for f in ck.facts if f.metric in metrics and _level_ok(f, level)]
        has_level = any(f.level == level for f in facts) or any(
            lv.level == level and lv.salary is not None for lv in ck.levels
        )
        if level is not None and not has_level:
            return None  # no figure for that level: the general answer is the right target
        if level is not None:
            # At a level, show that level's figures first, then the overall medians.
            facts.sort(key=lambda f: (f.level != level, not f.leading))
        else:
            facts.sort(key=lambda f: (metrics.index(f.metric), not f.leading))
        for f in facts:
            fields.append(fact_field(kb, f))
            source_ids.extend(f.sources)
        if topic is Topic.SALARY:
            for lv in ck.levels:
                if lv.salary is not None and (level is None or lv.level == level):
                    s = lv.salary
                    value = f"{format_number(s.low, 'usd_per_year')}–"
                    value += format_number(s.high, "usd_per_year") + ("+" if s.open_ended else "")
                    fields.append(AnswerField(name=f"{lv.name} salary range", value=value))
                    source_ids.extend(s.sources)
    elif topic in TOPIC_LISTS:
        items: list[Item] = list(getattr(ck.lists, TOPIC_LISTS[topic]))
        if items:
            fields.append(
                AnswerField(
                    name=TOPIC_TITLES[topic].capitalize(),
                    value="\n".join(
                        f"• {i.name}" + (f" — {i.detail}" if i.detail else "") for i in items
                    ),
                )
            )
            for i in items:
                source_ids.extend(i.sources)
    elif topic is Topic.ADVANCEMENT:
        for ladder in ck.ladders:
            steps = " → ".join(
                s.title + (f" ({s.experience})" if s.experience else "") for s in ladder.steps
            )
            fields.append(AnswerField(name=ladder.name, value=steps))
            source_ids.extend(ladder.sources)
    elif topic is Topic.RELATED_CAREERS:
        names = [kb.careers[s].career.name for s in ck.career.related if s in kb.careers]
        if names:
            fields.append(AnswerField(name="Related careers", value=", ".join(names)))
            source_ids.extend(ck.career.sources)
    if not fields:
        return None
    title = f"{name}: {TOPIC_TITLES.get(topic, topic.value)}"
    if level is not None:
        title += f" ({level.value} level)"
    return Answer(
        outcome=Outcome.ANSWER,
        title=title,
        body=_body(ck, topic, level),
        fields=tuple(fields),
        sources=source_refs(kb, source_ids),
        confidence=1.0,
        entry_id=fact_id(topic, career, level),
        career=career,
        level=level.value if level else None,
        topic=topic.value,
    )


def _body(ck: CareerKnowledge, topic: Topic, level: Level | None) -> str:
    what = TOPIC_TITLES.get(topic, topic.value)
    at = f" at {level.value} level" if level else ""
    return (
        f"What the sources say about {ck.career.name.lower()} {what}{at}. "
        "Where sources disagree, each figure is shown with its source and period."
    )


def fact_id(topic: Topic, career: str, level: Level | None) -> str:
    base = f"fact.{topic.value}.{career}"  # the same form bot.engine.facts gives its answers
    return f"{base}.{level.value}" if level else base


def parse_fact_id(entry_id: str) -> tuple[Topic, str, Level | None] | None:
    parts = entry_id.split(".")
    if len(parts) not in (3, 4) or parts[0] != "fact":
        return None
    try:
        topic = Topic(parts[1].replace("-", "_"))
        level = Level(parts[3]) if len(parts) == 4 else None
    except ValueError:
        return None
    return topic, parts[2], level


def external_answerer() -> TopicAnswerer | None:
    """``bot.engine.facts.answer_for_topic`` if that module exists (the loader helper's)."""
    try:
        module = importlib.import_module("bot.engine.facts")
    except ImportError:
        return None
    fn = getattr(module, "answer_for_topic", None)
    return cast(TopicAnswerer, fn) if callable(fn) else None


Comparer = Callable[[KnowledgeBase, str, str], Answer]


def external_compare() -> Comparer | None:
    """``bot.engine.facts.compare`` if present."""
    try:
        module = importlib.import_module("bot.engine.facts")
    except ImportError:
        return None
    fn = getattr(module, "compare", None)
    return cast(Comparer, fn) if callable(fn) else None


def make_answerer() -> TopicAnswerer:
    """The shared answerer when present, falling back to :func:`fallback_answer`."""
    external = external_answerer()

    def answer(kb: KnowledgeBase, career: str, topic: Topic, level: Level | None) -> Answer | None:
        if external is not None:
            try:
                result = external(kb, career, topic, level)
            except Exception:  # a bug there must not take the engine down
                result = None
            if result is not None:
                return result
        return fallback_answer(kb, career, topic, level)

    return answer
