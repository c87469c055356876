"""The answer engine: question -> one Answer (answer, unsure or decline). Pure, no Discord.

Build time: every entry's question and phrasings, and the fact targets' generated phrasings
(bot/engine/fact_targets.py), become the training data of the learned matcher
(bot/engine/learned.py; trained or loaded from the disk cache); each target's answer text is
indexed too (bot/engine/answerindex.py). Knowledge too large for the classifier is ranked by
the hand-tuned ranking (bot/engine/legacy.py).

Ask time: small talk and junk first (bot/engine/message.py); normalise, detect
career/level/topic/out-of-scope (bot/engine/understand.py), rank the targets, then answer
above the fitted answer threshold, suggest above the unsure threshold, else decline (each
reply is built by bot/engine/answering.py).
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from bot.engine import facts
from bot.engine.answer import Answer, Outcome, Suggestion
from bot.engine.answerindex import AnswerIndex, name_words
from bot.engine.answering import Answering
from bot.engine.complete import Completer
from bot.engine.embed import Embedder, load_embedder, whole_words
from bot.engine.fact_targets import fact_targets
from bot.engine.learned import LearnedRanking
from bot.engine.legacy import LEGACY_ANSWER, LEGACY_UNSURE, LegacyRanking
from bot.engine.message import is_junk, is_smalltalk, question_part, strip_lead_in
from bot.engine.normalize import Normalizer, clean, stem
from bot.engine.targets import EngineSettings as EngineSettings  # re-exported
from bot.engine.targets import Ranked, Target
from bot.engine.understand import Detector, Understanding
from bot.engine.vocabulary import typo_vocabulary
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.model import Topic

_WORD = re.compile(r"[a-z0-9]+")

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


SALARY_TOPICS = frozenset({Topic.SALARY, Topic.HOURLY_PAY, Topic.PERCENTILES, Topic.REGIONS})


class Engine(LearnedRanking, LegacyRanking, Answering):
    """Answers questions from a KnowledgeBase. Build once; ``ask`` never raises."""

    def __init__(
        self,
        kb: KnowledgeBase,
        settings: EngineSettings | None = None,
        embedder: Embedder | None = None,
    ) -> None:
        self.kb = kb
        settings = settings or EngineSettings()
        self.settings = dataclasses.replace(
            settings, default_career=kb.default_career_for(settings.default_career)
        )
        self._embedder = embedder
        self._entry_careers_memo: dict[int, frozenset[str]] = {}  # filled by _train
        self.learned = self.settings.matcher == "learned"
        # The learned matcher's model knows real words from typos (its tokenizer's words).
        dictionary = whole_words(self.embedder) if self.learned else frozenset()
        self.norm = Normalizer(kb.synonyms, typo_vocabulary(kb), dictionary=dictionary)
        self.detector = Detector(kb, self.norm)
        self.targets: list[Target] = []
        self._target_index: dict[str, int] = {}
        docs: list[str] = []
        doc_target: list[int] = []
        doc_raw: list[str] = []
        doc_words: list[list[str]] = []  # each phrasing normalised once, for both indexes

        def add_doc(text: str, t: int) -> None:
            words = self.norm.words(text)
            docs.append(self._doc(words))
            doc_target.append(t)
            doc_raw.append(text)
            doc_words.append(words)

        for entry_id, entry in kb.entries.items():
            career = kb.entry_career.get(entry_id, self.settings.default_career)
            t = self._add_target(
                Target(entry_id, career, entry.topic, entry.level, entry.question, False)
            )
            for text in (entry.question, *entry.phrasings):
                add_doc(text, t)
        for t_id, phrasings in self._fact_targets():
            for text in phrasings:
                add_doc(text, t_id)
        self.docs = docs
        self.doc_target: IntArray = np.asarray(doc_target, dtype=np.int64)
        self._build_index()
        texts = [self._answer_text(t) for t in self.targets]
        self._answer_texts = texts
        self.answers = AnswerIndex(
            [self._content(self.norm.words(text, correct=False)) for text in texts],
            self.postings,
            self.doc_target,
            names={w for n in name_words(texts) for w in clean(n).split()},
        )
        s = self.settings
        self.model = self._train(doc_raw, doc_target, doc_words) if self.learned else None
        fitted_answer = self.model.thresholds.answer if self.model else LEGACY_ANSWER
        fitted_unsure = self.model.thresholds.unsure if self.model else LEGACY_UNSURE
        self.answer_threshold = (
            s.answer_threshold if s.answer_threshold is not None else fitted_answer
        )
        # A top the nearest phrasings disagree with is answered from a higher threshold, fitted
        # apart (bot/engine/calibrate.py); never below the answer threshold, even configured.
        fitted_held = self.model.thresholds.held if self.model else fitted_answer
        self.held_threshold = max(fitted_held, self.answer_threshold)
        if s.unsure_threshold is not None:
            self.unsure_threshold = s.unsure_threshold
        elif self.model is not None:  # compared to the three suggestions' combined probability
            self.unsure_threshold = fitted_unsure
        else:
            self.unsure_threshold = min(fitted_unsure, self.answer_threshold)

    @property
    def embedder(self) -> Embedder:
        """The sentence embedding model, loaded on first use (only the learned matcher)."""
        if self._embedder is None:
            self._embedder = load_embedder(self.settings.model_path)
        return self._embedder

    # ================================================================== build
    def _content(self, words: Sequence[str]) -> list[str]:
        """What the text ranking compares: no stopwords and no career names (those are
        matched by the detector, so "receptionist salary" finds the salary phrasings and the
        career adjustment picks the receptionist's)."""
        content = self.norm.content(self.detector.strip_careers(words))
        return content or self.norm.content(words)

    def _doc(self, words: Sequence[str]) -> str:
        """A phrasing's normalised ``words`` as the text ranking indexes them."""
        content = self._content(words)
        return " ".join(content or words)

    def _answer_text(self, t: Target) -> str:
        """What the target's answer says (for the answer-text index)."""
        if t.is_fact:
            answer = facts.answer_for_topic(self.kb, t.career, Topic(t.topic), t.level)
            if answer is None:
                return ""
            parts = [answer.body, *(x for f in answer.fields for x in (f.name, f.value))]
        else:
            parts = [self.kb.entries[t.id].answer]
        return "\n".join(parts)

    def _add_target(self, target: Target) -> int:
        idx = len(self.targets)
        self.targets.append(target)
        self._target_index[target.id] = idx
        return idx

    def _fact_targets(self) -> list[tuple[int, list[str]]]:
        return [(self._add_target(t), phrasings) for t, phrasings in fact_targets(self.kb)]

    def _build_index(self) -> None:
        postings: dict[str, list[int]] = defaultdict(list)
        for d, doc in enumerate(self.docs):
            for w in set(doc.split()):
                postings[stem(w)].append(d)
        n = max(len(self.docs), 1)
        self.postings: dict[str, IntArray] = {
            w: np.asarray(ds, dtype=np.int64) for w, ds in postings.items()
        }
        self.idf: dict[str, float] = {
            w: math.log(1.0 + n / len(ds)) for w, ds in self.postings.items()
        }
        self.doc_weight: FloatArray = np.zeros(len(self.docs), dtype=np.float64)
        for d, doc in enumerate(self.docs):
            self.doc_weight[d] = sum(self.idf.get(stem(w), 0.0) for w in set(doc.split()))
        self.target_docs: dict[int, list[int]] = defaultdict(list)
        for d, t in enumerate(self.doc_target.tolist()):
            self.target_docs[t].append(d)

    # ================================================================== public API
    def normalise(self, text: str) -> str:
        try:
            return self.norm.normalise(text)
        except Exception:
            return clean(text)

    def ask(self, question: str) -> Answer:
        """Answer, suggest (unsure) or decline. Never raises."""
        try:
            return self._ask(question)
        except Exception:  # the engine must never take a command down
            return self._decline(None, "Something went wrong reading that question.")

    def rank(self, question: str) -> tuple[Understanding, list[Ranked]]:
        """Candidate targets best first with their probability of being the one meant."""
        words = self.norm.words(strip_lead_in(clean(question)))
        part = question_part(question)
        part_words = self.norm.words(strip_lead_in(clean(part))) if part is not None else None
        # A story's off-topic words ("a clinic near me is hiring", "i work at walmart") and
        # occupations tell; its question asks: those are looked for in the question part,
        # and a career it names comes first.
        u = self.detector.understand(words, self.settings.default_career, part_words=part_words)
        return u, self._rank(question, words, u, part_words)

    def answer_entry(self, entry_id: str) -> Answer | None:
        idx = self._target_index.get(entry_id)
        if idx is not None:
            return self._answer_target(idx, 1.0)
        # Fact ids without a target of their own (comparisons, sources, levels not generated).
        # Built whole by facts (a same-career comparison is its decline, kept as one).
        return facts.answer_for_fact_id(self.kb, entry_id)

    @functools.cached_property
    def _completer(self) -> Completer:
        return Completer(
            self.kb,
            self.targets,
            self.settings.default_career,
            careers_named=lambda text: self.detector.careers(self.norm.words(text)),
            rank=lambda text: [(r.target, r.score) for r in self.rank(text)[1]],
        )

    def complete(self, text: str, limit: int = 25) -> list[Suggestion]:
        """Questions for what a member is typing (bot/engine/complete.py)."""
        return self._completer.complete(text, limit)

    def complete_career(
        self, text: str, limit: int = 25, topic: Topic | None = None
    ) -> list[tuple[str, str]]:
        """(slug, name) of careers matching ``text``; with ``topic``, only the careers that
        have data for it (``/skills`` offers no career whose sources list no skills)."""
        allowed = set(facts.careers_with(self.kb, topic)) if topic else set(self.kb.careers)
        careers = [(s, ck.career.name) for s, ck in self.kb.careers.items() if s in allowed]
        if not text.strip():
            return careers[:limit]
        choices = {
            slug: " ".join([ck.career.name, *ck.career.aliases, slug]).lower()
            for slug, ck in self.kb.careers.items()
            if slug in allowed
        }
        hits = process.extract(
            text.lower(), choices, scorer=fuzz.WRatio, limit=limit, score_cutoff=40
        )
        names = dict(careers)
        return [(str(h[2]), names[str(h[2])]) for h in hits]

    def resolve_career(self, text: str | None) -> str | None:
        if text is None or not text.strip():
            return self.settings.default_career
        if text in self.kb.careers:
            return text
        try:
            found = self.detector.careers(self.norm.words(text))
        except Exception:
            found = []
        if found:
            return found[0]
        choices = {
            f"{slug}:{i}": name.lower()
            for slug, ck in self.kb.careers.items()
            for i, name in enumerate([ck.career.name, *ck.career.aliases, slug])
        }
        hit = process.extractOne(text.lower(), choices, scorer=fuzz.WRatio, score_cutoff=80)
        return str(hit[2]).split(":")[0] if hit else None

    # ================================================================== ranking
    def _rank(
        self,
        question: str,
        words: Sequence[str],
        u: Understanding,
        part_words: Sequence[str] | None,
    ) -> list[Ranked]:
        if not words or is_junk(clean(question)):
            return []  # numbers or symbols alone ("2 2", "$", "!!! $ !!!") are not a question
        if self.model is None:
            return self._legacy_rank(self._content(words), u)
        return self._learned_rank(self.model, words, u, part_words)

    # ================================================================== outcomes
    def _answers(self, top: Ranked) -> bool:
        """Is the top target likely enough to answer (see ``Ranked.agreed``)?"""
        return top.score >= (self.answer_threshold if top.agreed else self.held_threshold)

    def _ask(self, question: str) -> Answer:
        if is_smalltalk(question):
            return Answer(
                outcome=Outcome.SMALLTALK,
                title="Hi!",
                body="Ask me anything about the careers I know: pay, the career path, skills, "
                "certifications, education or job outlook. Type /help to see everything.",
            )
        u, ranked = self.rank(question)
        if u.out_of_scope is not None:
            return self._decline(
                u, f"I don't have information about {self._about(u.out_of_scope)}."
            )
        if (
            len(u.careers) >= 2
            and (u.topic is None or u.topic in SALARY_TOPICS)
            and not (ranked and self._answers(ranked[0]) and self._multi_career(ranked[0].target))
        ):
            compared = self._compare(u.careers[0], u.careers[1], 1.0)
            if compared is not None:
                return compared
        if not ranked:
            return self._decline(u, "I couldn't match that to anything I know.")
        top = ranked[0]
        if self._answers(top):
            answer = self._answer_target(top.target, top.score)
            if answer is not None:
                return answer
        if self._suggested(ranked) >= self.unsure_threshold:
            return Answer(
                outcome=Outcome.UNSURE,
                title="I'm not sure what you mean",
                body="Did you mean one of these? Pick one, or rephrase your question.",
                suggestions=self._suggestions(ranked, u),
                confidence=top.score,
                career=u.career,
                level=u.level.value if u.level else None,
                topic=u.topic.value if u.topic else None,
            )
        return self._decline(u, "I couldn't match that to anything I know.")
