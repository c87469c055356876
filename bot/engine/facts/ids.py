"""Entry ids of quick-fact answers, built and parsed here only.

- ``fact.<topic>.<career>[.<level>]`` a topic of one career (``fact.salary.teller.entry``)
- ``fact.compare.<a>.<b>``            two careers side by side
- ``fact.sources``                    the source documents
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from bot.knowledge.model import Level, Topic

PREFIX: Final = "fact"
SOURCES_ID: Final = "fact.sources"
COMPARE: Final = "compare"


@dataclass(frozen=True, slots=True)
class TopicId:
    topic: Topic
    career: str
    level: Level | None = None


@dataclass(frozen=True, slots=True)
class CompareId:
    a: str
    b: str


@dataclass(frozen=True, slots=True)
class SourcesId:
    pass


FactId = TopicId | CompareId | SourcesId


def fact_id(topic: Topic | str, career: str, level: Level | None = None) -> str:
    """Entry id of a quick-fact answer: 'fact.<topic>.<career>[.<level>]'."""
    name = topic.value if isinstance(topic, Topic) else topic
    return f"{PREFIX}.{name}.{career}" + (f".{level.value}" if level else "")


def compare_id(a: str, b: str) -> str:
    return f"{PREFIX}.{COMPARE}.{a}.{b}"


def parse(entry_id: str) -> FactId | None:
    """What a fact id names; None for anything else (careers are not checked here)."""
    parts = entry_id.split(".")
    if parts[:1] != [PREFIX]:
        return None
    if entry_id == SOURCES_ID:
        return SourcesId()
    if len(parts) == 4 and parts[1] == COMPARE:
        return CompareId(parts[2], parts[3])
    if len(parts) not in (3, 4):
        return None
    try:
        topic = Topic(parts[1].replace("-", "_"))
        level = Level(parts[3]) if len(parts) == 4 else None
    except ValueError:
        return None
    return TopicId(topic, parts[2], level)


def parse_fact_id(entry_id: str) -> tuple[Topic, str, Level | None] | None:
    """(topic, career slug, level) of a topic fact id; None for anything else."""
    parsed = parse(entry_id)
    if not isinstance(parsed, TopicId):
        return None
    return parsed.topic, parsed.career, parsed.level
