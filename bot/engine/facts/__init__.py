"""Quick facts: answers built straight from a career's structured facts, levels and lists.

Pure (no Discord, no I/O). Every figure is shown with its period and the title of the source
it comes from; where sources disagree, every version is shown, the leading one (the most
recent official figure, marked ``leading`` in facts.yaml) first and marked "(leading)".
Answers are whole (never clipped): ``bot.render`` fits them to Discord.

Modules: ``registry`` (the topic table), ``ids`` (fact ids), ``format`` (figures),
``wording`` (every sentence), ``pay``, ``career``, ``lists``, ``compare`` (the builders).
Unknown career slugs raise ``KeyError``: callers resolve careers first.
"""

from __future__ import annotations

from bot.engine.answer import Answer
from bot.engine.facts.compare import compare, sources
from bot.engine.facts.format import (
    fact_field,
    fact_label,
    fact_line,
    format_value,
    source_refs,
)
from bot.engine.facts.ids import compare_id, fact_id, parse_fact_id
from bot.engine.facts.pay import PAY_METRICS, ChartBar, salary_chart_data, short_title
from bot.engine.facts.registry import (
    COMMAND_TOPICS,
    SUPPORTED_TOPICS,
    TOPICS,
    TopicSpec,
    answer_for_fact_id,
    answer_for_topic,
    careers_with,
    coverage,
    has_data,
    no_data,
    quick_fact,
)
from bot.engine.facts.wording import LEVEL_NAMES, LEVEL_ORDER, METRIC_NAMES
from bot.engine.facts.wording import decline as decline_text
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.model import Level, Topic


def salary(kb: KnowledgeBase, career: str, level: Level | None = None) -> Answer:
    """/salary: pay figures (of a level when given), or a decline without pay data."""
    return quick_fact(kb, career, Topic.SALARY, level)


def path(kb: KnowledgeBase, career: str) -> Answer:
    return quick_fact(kb, career, Topic.ADVANCEMENT)


def skills(kb: KnowledgeBase, career: str) -> Answer:
    return quick_fact(kb, career, Topic.SKILLS)


def certifications(kb: KnowledgeBase, career: str) -> Answer:
    return quick_fact(kb, career, Topic.CERTIFICATIONS)


def outlook(kb: KnowledgeBase, career: str) -> Answer:
    return quick_fact(kb, career, Topic.OUTLOOK)


def education(kb: KnowledgeBase, career: str) -> Answer:
    return quick_fact(kb, career, Topic.EDUCATION)


def profile(kb: KnowledgeBase, career: str) -> Answer:
    return quick_fact(kb, career, Topic.OVERVIEW)


def related_careers(kb: KnowledgeBase, career: str) -> Answer:
    return quick_fact(kb, career, Topic.RELATED_CAREERS)


__all__ = [
    "COMMAND_TOPICS",
    "LEVEL_NAMES",
    "LEVEL_ORDER",
    "METRIC_NAMES",
    "PAY_METRICS",
    "SUPPORTED_TOPICS",
    "TOPICS",
    "ChartBar",
    "TopicSpec",
    "answer_for_fact_id",
    "answer_for_topic",
    "careers_with",
    "certifications",
    "compare",
    "compare_id",
    "coverage",
    "decline_text",
    "education",
    "fact_field",
    "fact_id",
    "fact_label",
    "fact_line",
    "format_value",
    "has_data",
    "no_data",
    "outlook",
    "parse_fact_id",
    "path",
    "profile",
    "quick_fact",
    "related_careers",
    "salary",
    "salary_chart_data",
    "short_title",
    "skills",
    "source_refs",
    "sources",
]
