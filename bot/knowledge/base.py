"""The loaded knowledge: every file validated and cross-checked, indexed for lookups."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from bot.knowledge.model import (
    Career,
    CareerLevel,
    Entry,
    Fact,
    Ladder,
    ListsFile,
    Source,
    SynonymsFile,
)
from bot.knowledge.redact import escape, redact


@dataclass(frozen=True, slots=True)
class Location:
    """Where something is written: path relative to the knowledge folder's parent."""

    path: str
    line: int
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the knowledge files, reported as ``path:line:column: message``."""

    path: str
    line: int | None
    column: int | None
    message: str

    def __str__(self) -> str:
        """One line whatever the path or message hold: control characters (a newline in a
        file name could forge a "knowledge OK" line) are escaped, tokens redacted."""
        where = escape(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {escape(redact(self.message))}"


class KnowledgeError(Exception):
    """The knowledge could not be loaded; ``problems`` lists every error found in the run."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class CareerKnowledge:
    career: Career
    facts: tuple[Fact, ...] = ()
    levels: tuple[CareerLevel, ...] = ()
    ladders: tuple[Ladder, ...] = ()
    lists: ListsFile = field(default_factory=ListsFile)
    entries: tuple[Entry, ...] = ()


@dataclass(frozen=True)
class Counts:
    careers: int
    entries: int
    sources: int
    figures: int

    def summary(self) -> str:
        return (
            f"{self.careers} careers, {self.entries} entries, "
            f"{self.sources} sources, {self.figures} figures"
        )


@dataclass(frozen=True)
class KnowledgeBase:
    root: Path
    sources: dict[str, Source]
    careers: dict[str, CareerKnowledge]
    synonyms: SynonymsFile
    entries: dict[str, Entry]
    entry_career: dict[str, str]
    locations: dict[str, Location] = field(default_factory=dict)
    """Entry id / fact id -> where it is written (for self-test and moderator messages)."""
    decline: tuple[str, ...] = ()
    """Messages the knowledge declares the bot must decline (``decline.yaml``; may be absent)."""

    @cached_property
    def facts(self) -> dict[str, Fact]:
        """Every fact by id, whatever career it belongs to (ids are unique across files):
        an entry may cite a related career's figures."""
        return {f.id: f for c in self.careers.values() for f in c.facts}

    def default_career_for(self, configured: str) -> str:
        """The career a question that names none is about: the configured default when this
        knowledge has it, else its only career, else the career with the most Q&A entries
        (any knowledge folder works, not just the one the default was configured for)."""
        if configured in self.careers or not self.careers:
            return configured
        return min(self.careers, key=lambda slug: (-len(self.careers[slug].entries), slug))

    def counts(self) -> Counts:
        figures = sum(len(c.facts) for c in self.careers.values()) + sum(
            1 for c in self.careers.values() for lv in c.levels if lv.salary is not None
        )
        return Counts(len(self.careers), len(self.entries), len(self.sources), figures)
