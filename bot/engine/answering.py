"""Building the engine's replies: the answer for a ranked target (a Q&A entry or a career's
facts), the side-by-side comparison of two careers, the did-you-mean suggestions and the
decline. A mixin of Engine, like bot/engine/learned.py and bot/engine/legacy.py: it reads the
knowledge, the targets and the detector the engine builds.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from bot.engine import facts
from bot.engine.answer import Answer, AnswerField, Outcome, Suggestion
from bot.engine.fact_targets import plural
from bot.engine.facts import fact_field, fact_id, source_refs
from bot.engine.targets import Ranked
from bot.engine.understand import Detector, Understanding
from bot.knowledge.model import Entry, Level, Topic

if TYPE_CHECKING:
    from bot.engine.normalize import Normalizer
    from bot.engine.targets import Target
    from bot.engine.trained import TrainedModel
    from bot.knowledge.base import KnowledgeBase


class Answering:
    kb: KnowledgeBase
    targets: list[Target]
    norm: Normalizer
    detector: Detector
    model: TrainedModel | None
    _entry_careers_memo: dict[int, frozenset[str]]
    _target_index: dict[str, int]

    def normalise(self, text: str) -> str:
        raise NotImplementedError  # Engine's

    def _suggested(self, ranked: Sequence[Ranked]) -> float:
        """What the unsure threshold is compared to: with the learned matcher the combined
        probability of the top three (the chance a suggestion is what was asked); with the
        hand-tuned ranking, whose scores are no probabilities, the top score."""
        if self.model is None:
            return ranked[0].score
        return sum(r.score for r in ranked[:3])

    def _suggestions(self, ranked: Sequence[Ranked], u: Understanding) -> tuple[Suggestion, ...]:
        """Three did-you-mean picks: the named career's first, no near-identical questions."""
        pool = [r for r in ranked[:12] if r.score >= 0.01] or list(ranked[:1])
        if u.careers:
            pool.sort(key=lambda r: self.targets[r.target].career not in u.careers)
            if not pool or self.targets[pool[0].target].career not in u.careers:
                # Nothing of the career asked about ("what does a receptionist do"): its
                # overview (what the knowledge has on it) before another career's questions.
                overview = self._target_index.get(fact_id(Topic.OVERVIEW, u.careers[0]))
                if overview is not None:
                    pool.insert(0, Ranked(overview, 0.0))
        picks: list[Suggestion] = []
        seen: list[str] = []
        for r in pool:
            t = self.targets[r.target]
            key = self.normalise(t.question)
            if any(fuzz.token_set_ratio(key, k) >= 90 for k in seen):
                continue
            seen.append(key)
            picks.append(Suggestion(t.id, t.question[:100], r.score))
            if len(picks) == 3:
                break
        return tuple(picks)

    def _about(self, named: str) -> str:
        """How the decline names what was asked about: occupations in the plural ("nurses",
        "police officers"), fields and other topics as written ("cybersecurity", "pizza")."""
        if named in self.kb.synonyms.off_topic:
            return named
        last = named.split()[-1] if named.split() else named
        if last.endswith(("s", "ing", "ity", "ics", "ism", "ce", "school", "care")):
            return named
        return plural(named)

    def _decline(self, u: Understanding | None, reason: str) -> Answer:
        body = facts.decline_text(reason, facts.coverage(self.kb))
        return Answer(
            outcome=Outcome.DECLINE,
            title="Sorry, I can't answer that",
            body=body,
            confidence=0.0,
            career=u.career if u else None,
            level=u.level.value if u and u.level else None,
            topic=u.topic.value if u and u.topic else None,
        )

    def _multi_career(self, idx: int) -> bool:
        """Is this a curated entry written about several careers (it then beats compare)?"""
        return len(self._entry_careers(idx)) >= 2

    def _entry_careers(self, idx: int) -> frozenset[str]:
        """The careers a Q&A entry's question and phrasings name (none for a fact)."""
        known = self._entry_careers_memo.get(idx)
        if known is not None:
            return known
        t = self.targets[idx]
        named: set[str] = set()
        if not t.is_fact:
            entry = self.kb.entries[t.id]
            for text in (entry.question, *entry.phrasings):
                named.update(self.detector.careers(self.norm.words(text)))
        self._entry_careers_memo[idx] = frozenset(named)
        return self._entry_careers_memo[idx]

    def _compare(self, a: str, b: str, confidence: float) -> Answer | None:
        """Two careers side by side (facts.compare), each figure with its source."""
        if a not in self.kb.careers or b not in self.kb.careers:
            return None
        compared = facts.compare(self.kb, a, b)
        return dataclasses.replace(compared, outcome=Outcome.ANSWER, confidence=confidence)

    def _answer_target(self, idx: int, confidence: float) -> Answer | None:
        t = self.targets[idx]
        if t.is_fact:
            return self._fact_answer(t.career, Topic(t.topic), t.level, confidence)
        entry = self.kb.entries[t.id]
        return self._qa_answer(entry, t, confidence)

    def _fact_answer(
        self, career: str, topic: Topic, level: Level | None, confidence: float
    ) -> Answer | None:
        if career not in self.kb.careers:
            return None
        answer = facts.answer_for_topic(self.kb, career, topic, level)
        if answer is None:
            return None
        return dataclasses.replace(
            answer,
            outcome=Outcome.ANSWER,
            confidence=confidence,
            entry_id=answer.entry_id or fact_id(topic, career, level),
            career=career,
            level=level.value if level else answer.level,
            topic=topic.value,
        )

    def _qa_answer(self, entry: Entry, t: Target, confidence: float) -> Answer:
        chosen = [self.kb.facts[f] for f in entry.facts if f in self.kb.facts]
        chosen.sort(key=lambda f: not f.leading)
        fields: tuple[AnswerField, ...] = tuple(fact_field(self.kb, f) for f in chosen)
        source_ids = list(entry.sources) + [s for f in chosen for s in f.sources]
        related = tuple(
            Suggestion(r, self.kb.entries[r].question)
            for r in entry.related
            if r in self.kb.entries
        )
        return Answer(
            outcome=Outcome.ANSWER,
            title=entry.question,
            body=entry.answer,
            fields=fields,
            sources=source_refs(self.kb, source_ids),
            related=related,
            confidence=confidence,
            entry_id=entry.id,
            career=t.career,
            level=entry.level.value if entry.level else None,
            topic=str(getattr(entry.topic, "value", entry.topic)),
        )
