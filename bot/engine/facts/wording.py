"""Every word a quick-fact answer says that is not a figure or a source's own text.

Labels, titles, lead sentences and the no-data declines, in one place, so a change of
tone (or a translation) is one file.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from bot.knowledge.model import Level, Metric, Topic

LEVEL_ORDER: Final = (Level.ENTRY, Level.MID, Level.SENIOR, Level.MANAGER)
LEVEL_NAMES: Final[dict[Level, str]] = {
    Level.ENTRY: "Entry level",
    Level.MID: "Mid level",
    Level.SENIOR: "Senior level",
    Level.MANAGER: "Manager level",
}
METRIC_NAMES: Final[dict[Metric, str]] = {
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

LEADING: Final = "leading"
NOT_STATED: Final = "not stated"
NO_FIGURES: Final = "No figures in the sources."


def join_names(names: Sequence[str]) -> str:
    """'A', 'A and B', 'A, B and C'."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def no_data(topic_words: str, career: str, others: Sequence[str]) -> str:
    """The body of a quick fact that has no data: which careers do have it."""
    head = f"The sources have no {topic_words} for {career}."
    if not others:
        return head + " No career in the knowledge has it yet."
    return f"{head} I have {topic_words} for: {', '.join(others)}."


def no_data_title(career: str, title: str) -> str:
    return f"{career} — {title}: not in the sources"


def coverage(groups: Sequence[tuple[Sequence[str], Sequence[str]]]) -> str:
    """'pay and education for: Receptionist, Teller; pay, path, skills … for: CSR'.

    ``groups`` pairs what is known (topic words) with the careers that know exactly that."""
    parts = [f"{join_names(list(topics))} for: {', '.join(names)}" for topics, names in groups]
    return "; ".join(parts)


def decline(reason: str, covered: str) -> str:
    """The engine's decline: the reason, then only what the knowledge really holds."""
    known = f" I can answer questions about {covered}." if covered else ""
    return f"{reason}{known} Type /help to see everything I can do."


SAME_CAREER_TITLE: Final = "{name} vs {name}"
SAME_CAREER: Final = (
    "That is the same career twice. Pick two different careers to compare, e.g. {name} and {other}."
)
SAME_CAREER_ALONE: Final = "That is the same career twice; there is only one career to compare."

TOPIC_WORDS: Final[dict[Topic, str]] = {
    Topic.SALARY: "pay",
    Topic.HOURLY_PAY: "hourly pay",
    Topic.PERCENTILES: "pay percentiles",
    Topic.REGIONS: "pay by region",
    Topic.OUTLOOK: "job outlook",
    Topic.AUTOMATION: "automation risk",
    Topic.EDUCATION: "education",
    Topic.TRAINING: "training",
    Topic.ADVANCEMENT: "career path",
    Topic.SKILLS: "skills",
    Topic.TOOLS: "tools",
    Topic.CERTIFICATIONS: "certifications",
    Topic.RESOURCES: "resources",
    Topic.INDUSTRIES: "industries",
    Topic.TYPES: "types of role",
    Topic.WORK_LIFE: "work-life balance",
    Topic.STRESS: "stress",
    Topic.PERSONALITY: "personality fit",
    Topic.RELATED_CAREERS: "related careers",
    Topic.OVERVIEW: "overview",
}
"""How answers name a topic in running text ("I have skills for: …")."""
