"""Collects an answer's fields and the sources they cite. No clipping: the engine returns
whole answers and bot.render fits them to Discord (a short default, the rest behind "More")."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from bot.engine.answer import Answer, AnswerField, Outcome, SourceRef, Suggestion
from bot.engine.facts.format import lines, source_refs
from bot.engine.facts.ids import fact_id
from bot.knowledge.base import CareerKnowledge, KnowledgeBase
from bot.knowledge.model import Fact, Level, Topic


def career_of(kb: KnowledgeBase, slug: str) -> CareerKnowledge:
    """The career, or ``KeyError`` (callers resolve careers first)."""
    try:
        return kb.careers[slug]
    except KeyError:
        raise KeyError(f"unknown career '{slug}'") from None


class Builder:
    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.fields: list[AnswerField] = []
        self.source_ids: list[str] = []

    def cite(self, ids: Iterable[str]) -> None:
        for sid in ids:
            if sid not in self.source_ids:
                self.source_ids.append(sid)

    def add(self, name: str, value: Sequence[str] | str, *, inline: bool = False) -> None:
        text = value if isinstance(value, str) else "\n".join(value)
        if text.strip():
            self.fields.append(AnswerField(name, text, inline))

    def facts(self, name: str, facts: Sequence[Fact], *, label: bool = False) -> None:
        if facts:
            self.add(name, lines(self.kb, facts, label=label))
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
        outcome: Outcome = Outcome.ANSWER,
    ) -> Answer:
        topic_name = topic.value if isinstance(topic, Topic) else topic
        if entry_id is None and career is not None:
            entry_id = fact_id(topic, career, level)
        return Answer(
            outcome=outcome,
            title=title,
            body=body,
            fields=tuple(self.fields),
            sources=self.sources(),
            related=tuple(related),
            confidence=1.0 if outcome is Outcome.ANSWER else 0.0,
            entry_id=entry_id,
            career=career,
            level=level.value if level else None,
            topic=topic_name,
        )
