"""The one table of quick-fact topics: what builds each answer, what data it needs, which
other quick facts it suggests. Adding a topic is one entry in ``TOPICS``.

``answer_for_topic`` is for the engine (None when a career has no data for the topic);
``quick_fact`` is for commands (a decline naming the careers that have it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from bot.engine.answer import Answer, Outcome, Suggestion
from bot.engine.facts import career as C
from bot.engine.facts import lists as L
from bot.engine.facts import pay as P
from bot.engine.facts import wording
from bot.engine.facts.builder import Builder, career_of
from bot.engine.facts.compare import compare, sources
from bot.engine.facts.ids import CompareId, SourcesId, TopicId, fact_id, parse
from bot.engine.facts.wording import TOPIC_WORDS
from bot.knowledge.base import CareerKnowledge, KnowledgeBase
from bot.knowledge.model import Level, Metric, Topic

Build = Callable[[KnowledgeBase, str, Level | None], Answer]
Needs = Callable[[KnowledgeBase, CareerKnowledge, Level | None], bool]


@dataclass(frozen=True, slots=True)
class TopicSpec:
    build: Build
    needs: Needs
    also: tuple[Topic, ...] = ()
    """Other quick facts of the same career offered as related questions."""


def _metrics(*metrics: Metric) -> Needs:
    def needs(kb: KnowledgeBase, ck: CareerKnowledge, level: Level | None) -> bool:
        return any(f.metric in metrics for f in ck.facts)

    return needs


def _list(attr: str) -> Needs:
    def needs(kb: KnowledgeBase, ck: CareerKnowledge, level: Level | None) -> bool:
        return bool(getattr(ck.lists, attr))

    return needs


def _career_only(fn: Callable[[KnowledgeBase, str], Answer]) -> Build:
    return lambda kb, career, level: fn(kb, career)


def _metric_topic(topic: Topic, metrics: tuple[Metric, ...], title: str) -> TopicSpec:
    build: Build = lambda kb, career, level: C.metric_answer(kb, career, topic, metrics, title)  # noqa: E731
    return TopicSpec(build, _metrics(*metrics), also=(Topic.SALARY,))


def _list_topic(topic: Topic, attr: str, title: str) -> TopicSpec:
    build = _career_only(partial(L.list_answer, topic=topic, attr=attr, title=title))
    return TopicSpec(build, _list(attr), also=(Topic.SKILLS, Topic.CERTIFICATIONS))


def _has_education(kb: KnowledgeBase, ck: CareerKnowledge, level: Level | None) -> bool:
    metrics = {f.metric for f in ck.facts}
    return bool(metrics & {Metric.EDUCATION, Metric.TRAINING_LENGTH}) or any(
        lv.education for lv in ck.levels
    )


TOPICS: dict[Topic, TopicSpec] = {
    Topic.SALARY: TopicSpec(
        P.salary, P.has_pay, also=(Topic.OUTLOOK, Topic.EDUCATION, Topic.ADVANCEMENT)
    ),
    Topic.OUTLOOK: TopicSpec(
        _career_only(C.outlook),
        _metrics(*C.OUTLOOK_METRICS),
        also=(Topic.SALARY, Topic.ADVANCEMENT),
    ),
    Topic.EDUCATION: TopicSpec(
        _career_only(C.education),
        _has_education,
        also=(Topic.CERTIFICATIONS, Topic.SKILLS, Topic.SALARY),
    ),
    Topic.CERTIFICATIONS: TopicSpec(
        _career_only(L.certifications),
        lambda kb, ck, lv: (
            bool(ck.lists.certifications) or any(x.certifications for x in ck.levels)
        ),
        also=(Topic.EDUCATION, Topic.SKILLS),
    ),
    Topic.ADVANCEMENT: TopicSpec(
        _career_only(C.path),
        lambda kb, ck, lv: bool(ck.levels or ck.ladders),
        also=(Topic.SALARY, Topic.CERTIFICATIONS),
    ),
    Topic.SKILLS: TopicSpec(
        _career_only(L.skills),
        lambda kb, ck, lv: bool(ck.lists.skills),
        also=(Topic.CERTIFICATIONS, Topic.EDUCATION),
    ),
    Topic.RELATED_CAREERS: TopicSpec(
        _career_only(C.related_careers),
        lambda kb, ck, lv: any(s in kb.careers for s in ck.career.related),
    ),
    Topic.OVERVIEW: TopicSpec(
        _career_only(C.profile), lambda kb, ck, lv: True, also=(Topic.SALARY, Topic.OUTLOOK)
    ),
    Topic.HOURLY_PAY: _metric_topic(Topic.HOURLY_PAY, (Metric.MEDIAN_PAY_HOURLY,), "Hourly pay"),
    Topic.PERCENTILES: _metric_topic(
        Topic.PERCENTILES, (Metric.PAY_PERCENTILE, Metric.PAY_RANGE_ANNUAL), "Pay percentiles"
    ),
    Topic.REGIONS: _metric_topic(Topic.REGIONS, (Metric.PAY_REGIONAL,), "Pay by region"),
    Topic.AUTOMATION: _metric_topic(Topic.AUTOMATION, (Metric.AUTOMATION_RISK,), "Automation risk"),
    Topic.TRAINING: _metric_topic(Topic.TRAINING, (Metric.TRAINING_LENGTH,), "Training"),
    Topic.WORK_LIFE: _metric_topic(
        Topic.WORK_LIFE, (Metric.WORK_LIFE_RATING, Metric.STRESS_LEVEL), "Work-life balance"
    ),
    Topic.STRESS: _metric_topic(
        Topic.STRESS, (Metric.STRESS_LEVEL, Metric.WORK_LIFE_RATING), "Stress"
    ),
    Topic.PERSONALITY: _metric_topic(Topic.PERSONALITY, (Metric.RIASEC,), "Personality fit"),
    Topic.TOOLS: _list_topic(Topic.TOOLS, "tools", "Tools"),
    Topic.RESOURCES: _list_topic(Topic.RESOURCES, "resources", "Resources"),
    Topic.INDUSTRIES: _list_topic(Topic.INDUSTRIES, "industries", "Industries"),
    Topic.TYPES: _list_topic(Topic.TYPES, "types", "Types of role"),
}
SUPPORTED_TOPICS = frozenset(TOPICS)

COMMAND_TOPICS = (
    Topic.SALARY,
    Topic.ADVANCEMENT,
    Topic.SKILLS,
    Topic.CERTIFICATIONS,
    Topic.EDUCATION,
    Topic.OUTLOOK,
)
"""The topics of the quick-fact commands, in the order answers name them."""


def has_data(kb: KnowledgeBase, career: str, topic: Topic, level: Level | None = None) -> bool:
    """Whether the career has structured data for a quick-fact answer on ``topic``."""
    spec = TOPICS.get(topic)
    return spec is not None and spec.needs(kb, career_of(kb, career), level)


def careers_with(kb: KnowledgeBase, topic: Topic) -> list[str]:
    """Slugs of the careers that have data for ``topic``, in knowledge order."""
    return [slug for slug in kb.careers if has_data(kb, slug, topic)]


def related(kb: KnowledgeBase, slug: str, topic: Topic) -> tuple[Suggestion, ...]:
    """Other quick facts for the same career, then Q&A entries of this career on the topic."""
    ck = career_of(kb, slug)
    spec = TOPICS.get(topic)
    found: list[Suggestion] = []
    for other in spec.also if spec else ():
        if other is not topic and has_data(kb, slug, other):
            question = f"{ck.career.name} {TOPIC_WORDS[other]}"
            found.append(Suggestion(fact_id(other, slug), question[:100]))
    for entry in ck.entries:
        if entry.topic == topic and len(found) < 5:
            found.append(Suggestion(entry.id, entry.question[:100]))
    return tuple(found[:5])


def answer_for_topic(
    kb: KnowledgeBase, career: str, topic: Topic, level: Level | None
) -> Answer | None:
    """The quick-fact answer for a detected topic, or None when there is no structured data."""
    if not has_data(kb, career, topic, level):
        return None
    answer = TOPICS[topic].build(kb, career, level)
    return dataclasses.replace(answer, related=answer.related or related(kb, career, topic))


def no_data(kb: KnowledgeBase, career: str, topic: Topic) -> Answer:
    """A decline for a quick fact without data, naming the careers that do have it."""
    ck = career_of(kb, career)
    others = [kb.careers[s].career.name for s in careers_with(kb, topic) if s != career]
    words = TOPIC_WORDS[topic]
    return Builder(kb).answer(
        title=wording.no_data_title(ck.career.name, words),
        body=wording.no_data(words, ck.career.name, others),
        topic=topic,
        career=career,
        outcome=Outcome.DECLINE,
    )


def quick_fact(kb: KnowledgeBase, career: str, topic: Topic, level: Level | None = None) -> Answer:
    """A quick-fact command's answer; a level without figures still gets the career's pay,
    and a topic without any data is a decline (``Outcome.DECLINE``)."""
    answer = answer_for_topic(kb, career, topic, level)
    if answer is None and level is not None and has_data(kb, career, topic):
        answer = TOPICS[topic].build(kb, career, level)
        answer = dataclasses.replace(answer, related=related(kb, career, topic))
    return answer if answer is not None else no_data(kb, career, topic)


def coverage(kb: KnowledgeBase, topics: Sequence[Topic] = COMMAND_TOPICS) -> str:
    """What the knowledge can answer, grouped by careers that know the same topics:
    'pay and education for: Receptionist, Teller; pay, career path, … for: Customer …'."""
    groups: dict[tuple[Topic, ...], list[str]] = {}
    for slug, ck in kb.careers.items():
        known = tuple(t for t in topics if has_data(kb, slug, t))
        if known:
            groups.setdefault(known, []).append(ck.career.name)
    ordered = sorted(groups.items(), key=lambda kv: (len(kv[0]), -len(kv[1])))
    return wording.coverage([([TOPIC_WORDS[t] for t in ts], names) for ts, names in ordered])


def answer_for_fact_id(kb: KnowledgeBase, entry_id: str) -> Answer | None:
    """Rebuild a quick-fact answer from its entry id (buttons, votes, ``/kb entry``)."""
    parsed = parse(entry_id)
    if isinstance(parsed, SourcesId):
        return sources(kb)
    if isinstance(parsed, CompareId):
        if parsed.a in kb.careers and parsed.b in kb.careers:
            return compare(kb, parsed.a, parsed.b)
        return None
    if isinstance(parsed, TopicId) and parsed.career in kb.careers:
        return answer_for_topic(kb, parsed.career, parsed.topic, parsed.level)
    return None
