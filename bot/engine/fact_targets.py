"""Fact targets: each career's structured facts (pay, outlook, skills...) asked as entries.

A fact topic with data for a career becomes a *virtual entry* ("fact.<topic>.<career>", and
per level for pay) with generated phrasings, so "receptionist salary" is matched like any
curated entry and answered from the facts (bot/engine/facts/). Pure."""

from __future__ import annotations

from bot.engine import facts
from bot.engine.facts import fact_id
from bot.engine.targets import Target
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.model import Level, Topic

# Generated phrasings of fact targets. {n} name, {p} plural, {l} level words.
FACT_TEMPLATES: dict[Topic, tuple[str, ...]] = {
    # A message naming only a career asks for it at a glance. Few words besides the career:
    # more of them ("what should i know about ...") and a short question about anything,
    # its career taken out ("what is Genesys"), would look like an overview question.
    Topic.OVERVIEW: ("{n}", "{p}", "{n}?", "tell me about {p}", "{n} overview"),
    Topic.SALARY: (
        "{n} salary",
        "how much does a {n} make",
        "how much do {p} make",
        "{p} pay",
        "what is the median salary of a {n}",
        "average {n} salary",
    ),
    Topic.HOURLY_PAY: ("{n} hourly pay", "how much does a {n} make per hour", "{n} hourly wage"),
    Topic.PERCENTILES: ("{n} salary percentiles", "top 10 percent {n} salary", "highest paid {p}"),
    Topic.REGIONS: ("{n} salary by state", "where do {p} earn the most", "{n} pay by city"),
    Topic.OUTLOOK: ("{n} job outlook", "{n} job growth", "is there demand for {p}"),
    Topic.AUTOMATION: ("will {p} be replaced by ai", "{n} automation risk"),
    Topic.EDUCATION: ("{n} education requirements", "what education does a {n} need"),
    Topic.TRAINING: ("{n} training", "how long is {n} training"),
    Topic.CERTIFICATIONS: ("{n} certifications", "what certifications does a {n} need"),
    Topic.SKILLS: ("{n} skills", "what skills does a {n} need"),
    Topic.TOOLS: ("{n} tools and software", "what tools do {p} use"),
    Topic.ADVANCEMENT: ("{n} career path", "how does a {n} get promoted"),
    Topic.RELATED_CAREERS: ("careers related to {n}", "jobs similar to {n}"),
    Topic.STRESS: ("is being a {n} stressful", "{n} stress level"),
    Topic.WORK_LIFE: ("{n} work life balance",),
    Topic.PERSONALITY: ("{n} personality fit", "what personality suits a {n}"),
    Topic.RESOURCES: ("{n} resources", "books for {p}"),
    Topic.INDUSTRIES: ("industries that employ {p}", "where do {p} work"),
    Topic.TYPES: ("types of {n}", "kinds of {n} jobs"),
}
LEVEL_TEMPLATES: tuple[str, ...] = (
    "{l} {n} salary",
    "how much does a {l} {n} make",
    "{l} {n} pay",
)
LEVEL_WORDS: dict[Level, str] = {
    Level.ENTRY: "entry level",
    Level.MID: "mid level",
    Level.SENIOR: "senior",
    Level.MANAGER: "manager",
}
QUESTION_TEMPLATES: dict[Topic, str] = {
    Topic.OVERVIEW: "What should I know about {p}?",
    Topic.SALARY: "How much does a {n} earn?",
    Topic.HOURLY_PAY: "What is a {n}'s hourly pay?",
    Topic.PERCENTILES: "What do the lowest and highest paid {p} earn?",
    Topic.REGIONS: "Where do {p} earn the most?",
    Topic.OUTLOOK: "What is the job outlook for {p}?",
    Topic.AUTOMATION: "Will {p} be replaced by automation?",
    Topic.EDUCATION: "What education does a {n} need?",
    Topic.TRAINING: "What training does a {n} get?",
    Topic.CERTIFICATIONS: "Which certifications help a {n}?",
    Topic.SKILLS: "What skills does a {n} need?",
    Topic.TOOLS: "What tools do {p} use?",
    Topic.ADVANCEMENT: "What is the career path of a {n}?",
    Topic.RELATED_CAREERS: "Which careers are related to {n}?",
    Topic.STRESS: "How stressful is being a {n}?",
    Topic.WORK_LIFE: "What is the work-life balance of a {n}?",
    Topic.PERSONALITY: "What personality suits a {n}?",
    Topic.RESOURCES: "What resources help a {n}?",
    Topic.INDUSTRIES: "Which industries employ {p}?",
    Topic.TYPES: "What types of {n} jobs are there?",
}


def plural(name: str) -> str:
    if name.endswith("y") and not name.endswith(("ay", "ey", "oy")):
        return name[:-1] + "ies"
    return name if name.endswith("s") else name + "s"


def _has_facts(kb: KnowledgeBase, slug: str, topic: Topic, level: Level | None) -> bool:
    """Whether facts.answer_for_topic answers this (without building the answer)."""
    return topic in facts.SUPPORTED_TOPICS and facts.has_data(kb, slug, topic, level)


def fact_targets(kb: KnowledgeBase) -> list[tuple[Target, list[str]]]:
    """Every career's fact targets with their generated phrasings, in a stable order."""
    out: list[tuple[Target, list[str]]] = []
    for slug, ck in kb.careers.items():
        name = ck.career.name.lower()
        plural_ = (ck.career.plural or plural(ck.career.name)).lower()
        for topic, templates in FACT_TEMPLATES.items():
            if not _has_facts(kb, slug, topic, None):
                continue
            q = QUESTION_TEMPLATES[topic].format(n=name, p=plural_)
            out.append(
                (
                    Target(fact_id(topic, slug, None), slug, topic, None, q, True),
                    [tpl.format(n=name, p=plural_) for tpl in templates],
                )
            )
            if topic is not Topic.SALARY:
                continue
            for level, lw in LEVEL_WORDS.items():
                if not _has_facts(kb, slug, topic, level):
                    continue
                lq = f"How much does a {lw} {name} earn?"
                out.append(
                    (
                        Target(fact_id(topic, slug, level), slug, topic, level, lq, True),
                        [tpl.format(n=name, p=plural_, l=lw) for tpl in LEVEL_TEMPLATES],
                    )
                )
    return out
