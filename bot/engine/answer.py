"""What the engine returns: one Answer, rendered by ``bot.render`` for Discord or a terminal."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Outcome(StrEnum):
    ANSWER = "answer"
    UNSURE = "unsure"
    DECLINE = "decline"
    SMALLTALK = "smalltalk"
    """A greeting, thanks or "lol": a short friendly reply, not a question (not a gap)."""


@dataclass(frozen=True, slots=True)
class AnswerField:
    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True, slots=True)
class SourceRef:
    id: str
    title: str
    publisher: str | None = None
    period: str | None = None

    @property
    def label(self) -> str:
        parts = [self.title]
        if self.publisher:
            parts.append(self.publisher)
        if self.period:
            parts.append(self.period)
        return " · ".join(parts)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A question the user can pick (did-you-mean, related, autocomplete)."""

    entry_id: str
    question: str
    score: float = 0.0


@dataclass(frozen=True)
class Answer:
    outcome: Outcome
    title: str
    body: str
    fields: tuple[AnswerField, ...] = ()
    sources: tuple[SourceRef, ...] = ()
    related: tuple[Suggestion, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    confidence: float = 0.0
    entry_id: str | None = None
    career: str | None = None
    level: str | None = None
    topic: str | None = None
    extras: dict[str, str] = field(default_factory=dict)

    @property
    def answered(self) -> bool:
        return self.outcome is Outcome.ANSWER
