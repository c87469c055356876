"""The learned matcher (``engine.matcher: learned``, the default): classes, training data and
ranking around the classifier of bot/engine/classifier.py. A mixin of Engine, like
bot/engine/legacy.py.

Classes: every Q&A entry is one class; a fact topic is one class for all careers ("how much
do tellers make" and "csr salary" are both the salary class), because career names are taken
out of the text the classifier sees. The detected career slot then chooses whose facts
answer, and a Q&A entry written about another career than the one named hands its
probability to the named career's fact of the same topic (the words said *what*, the slot
says *whose*); with no fact of that topic for the named career the entry may be suggested,
never answered.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from bot.engine.classifier import QueryText
from bot.engine.facts import fact_id
from bot.engine.message import is_junk, refers_back
from bot.engine.neighbours import NEIGHBOUR_TOP
from bot.engine.normalize import clean, stem
from bot.engine.targets import Ranked
from bot.engine.trained import TrainedModel, cache_key, load_cached, save_cached, train
from bot.engine.understand import Detector, Understanding
from bot.knowledge.model import Level, Topic

if TYPE_CHECKING:
    from bot.engine.embed import Embedder
    from bot.engine.normalize import Normalizer
    from bot.engine.targets import EngineSettings, Target
    from bot.knowledge.base import KnowledgeBase

log = logging.getLogger(__name__)

PART_WEIGHT = 0.5
"""Prior weight of the question part of a "story, then question" message (the rest: the whole,
which holds the question part too, so its words count most), before each is weighted by how
sure it is..."""
PART_CONTENT = 3
"""...when it has at least this many content words (fewer: in proportion)."""
MAX_CLASSES = 1000
MAX_TEXTS = 40_000
"""Above these the classifier's weights (features x classes) and training time grow past what
a start-up can afford: the hand-tuned ranking (bot/engine/legacy.py) answers instead."""
UNKNOWN = "__unk"
CAREER = "__career"
RANKED = 12
"""Classes turned into ranked targets per question."""
PAY_TOPICS = frozenset({Topic.SALARY.value, Topic.HOURLY_PAY.value})
"""Topics whose level-specific answers follow the member's own years (``_at_level``)."""
FACT_BEHIND = {Topic.HOURLY_PAY.value: Topic.SALARY.value}
"""A career without a fact of the topic asked answers with this one: "how much does a
receptionist make an hour" gets the receptionist's pay (the sources give it yearly, shown
as such), not a capped CSR hourly figure."""


class LearnedRanking:
    kb: KnowledgeBase
    targets: list[Target]
    settings: EngineSettings
    _target_index: dict[str, int]
    norm: Normalizer
    detector: Detector
    model: TrainedModel | None
    answer_threshold: float
    held_threshold: float
    docs: list[str]
    target_docs: dict[int, list[int]]
    _answer_texts: list[str]
    _phrasing_stems: frozenset[str] = frozenset()
    _entry_careers: Callable[[int], frozenset[str]]
    """The careers a Q&A entry names (Answering's)."""
    _entry_careers_memo: dict[int, frozenset[str]]

    @property
    def embedder(self) -> Embedder:
        raise NotImplementedError  # Engine's: loaded on first use

    # ------------------------------------------------------------------ classes
    @staticmethod
    def _class_key(t: Target) -> str:
        if t.is_fact:
            level = t.level.value if t.level else ""
            return f"fact:{t.topic}:{level}"
        return t.id

    def _build_classes(self) -> None:
        """One class per Q&A entry and per fact topic (and level) across careers. A fact
        class that careers' entries already ask (same topic and level, most words in common:
        "csr salary" and "How much do CSRs make a year?") is merged with those entries: one
        question, one class, each career's entry answering for it and the generated facts
        for the careers without one."""
        self.class_names: list[str] = []
        self.target_class: list[int] = []
        self.class_targets: list[dict[str, int]] = []  # career -> target
        index: dict[str, int] = {}
        for t_idx, t in enumerate(self.targets):
            key = self._class_key(t)
            c = index.get(key)
            if c is None:
                c = index[key] = len(self.class_names)
                self.class_names.append(key)
                self.class_targets.append({})
            self.target_class.append(c)
            self.class_targets[c].setdefault(t.career, t_idx)
        careers = {t.career for t in self.targets if not t.is_fact}
        for key, c in index.items():
            # The overview (a career's summary and key figures) is what a message naming only
            # a career asks ("receptionist?"); no curated entry asks that: never merged.
            if not key.startswith("fact:") or key.startswith(f"fact:{Topic.OVERVIEW.value}:"):
                continue
            same = {k: e for k in careers if (e := self._same_question(c, k)) is not None}
            if not same:
                continue
            default = self.settings.default_career
            into = self.target_class[same.get(default, next(iter(same.values())))]
            merged = dict(self.class_targets[c])
            merged.update(same)  # a career's own entry answers before its generated facts
            for t_idx in (*self.class_targets[c].values(), *same.values()):
                old = self.target_class[t_idx]
                if old != into:
                    self.class_targets[old] = {}
                self.target_class[t_idx] = into
            self.class_targets[into] = merged

    def _same_question(self, c: int, career: str) -> int | None:
        """``career``'s Q&A entry asking what fact class ``c`` asks, if any: the same topic
        and level, and the most words in common with the generated phrasings."""
        by_career = self.class_targets[c]
        fact = self.targets[next(iter(by_career.values()))]
        fact_words = self._doc_stems(by_career.get(career, next(iter(by_career.values()))))
        best: tuple[float, int] | None = None
        for t_idx, t in enumerate(self.targets):
            if t.is_fact or t.career != career or t.topic != fact.topic or t.level != fact.level:
                continue
            shared = len(fact_words & self._doc_stems(t_idx)) / max(len(fact_words), 1)
            if best is None or shared > best[0]:
                best = (shared, t_idx)
        return best[1] if best is not None and best[0] > 0 else None

    def _doc_stems(self, t_idx: int) -> set[str]:
        if t_idx < 0:
            return set()
        return {stem(w) for d in self.target_docs.get(t_idx, ()) for w in self.docs[d].split()}

    def _qtext(
        self,
        text: str,
        known: Callable[[str], bool] | None = None,
        words: Sequence[str] | None = None,
    ) -> tuple[QueryText, Understanding]:
        """The text the classifier sees (see ``_query``) and the slots of ``text`` (``words``:
        its normalised words, when already known)."""
        words = self.norm.words(text) if words is None else words
        u = self.detector.understand(words, self.settings.default_career)
        return self._query(words, u, known), u

    def _query(
        self, words: Sequence[str], u: Understanding, known: Callable[[str], bool] | None = None
    ) -> QueryText:
        """Normalised words -> what the classifier sees: career names out; slot tokens in, and
        one ``__unk`` per content word the knowledge's phrasings never use (``known``; by
        default the trained vocabulary): "how much do dentists make" is not a pay question
        the knowledge answers, whatever its other words say."""
        content = self.detector.strip_careers(words) or list(words)
        if u.careers:
            # A career named: another occupation is the member's background ("im a barista,
            # how do i get into customer support"), not what is asked; alone it is declined
            # before ranking.
            content = self.detector.strip_occupations(content) or content
        stems = [stem(w) for w in content]
        known = known or self._known
        tokens = list(stems)
        if len(content) < len(words):
            tokens.append(CAREER)  # a career was named: which one is the slot's business
        if u.level is not None:
            tokens.append(f"__level_{u.level.value}")
        if u.topic is not None:
            tokens.append(f"__topic_{u.topic.value}")
        meaningful = [
            (s, w)
            for s, w in zip(stems, content, strict=True)
            if w not in self.norm.stopwords and any(ch.isalpha() for ch in s)
        ]
        unknown = sum(1 for s, _ in meaningful if not known(s))
        tokens += [UNKNOWN] * unknown
        share = 1.0 - unknown / len(meaningful) if meaningful else 1.0
        return QueryText(" ".join(tokens), " ".join(content), share, len(meaningful))

    def _known(self, s: str) -> bool:
        return s in self._phrasing_stems

    # ------------------------------------------------------------------ training
    def _train(
        self,
        doc_raw: Sequence[str],
        doc_target: Sequence[int],
        doc_words: Sequence[Sequence[str]],
    ) -> TrainedModel | None:
        """The classifier for this knowledge: from the disk cache, else trained now; None when
        the knowledge is too large for it (the hand-tuned ranking then answers).
        ``doc_words``: each phrasing's normalised words (normalising is most of a warm start)."""
        self._build_classes()
        n_classes = sum(1 for c in self.class_targets if c)
        if n_classes > MAX_CLASSES or len(doc_raw) + len(self.kb.decline) > MAX_TEXTS:
            log.warning(
                "%d answers and %d phrasings: above the learned matcher's limits (%d, %d); "
                "the hand-tuned ranking answers",
                n_classes,
                len(doc_raw),
                MAX_CLASSES,
                MAX_TEXTS,
            )
            return None
        # Document frequency of each stem over the phrasings and answers: a phrasing's word
        # that nothing else uses is unknown to it, as a new word is to a member's question.
        answer_targets = [
            t
            for t, target in enumerate(self.targets)
            if not target.is_fact and self._answer_texts[t]
        ]
        answer_raw = [self._answer_texts[t] for t in answer_targets]
        answer_words = [self.norm.words(x) for x in answer_raw]
        df: dict[str, int] = {}
        for words in (*doc_words, *answer_words):
            for s in {stem(w) for w in words}:
                df[s] = df.get(s, 0) + 1
        self._phrasing_stems = frozenset(df)
        texts: list[QueryText] = []
        labels: list[int] = []
        raw: list[str] = []
        seen: set[tuple[int, str]] = set()
        named: dict[int, set[str]] = {}
        for text, t, words in zip(doc_raw, doc_target, doc_words, strict=True):
            q, u = self._qtext(text, known=lambda s: df.get(s, 0) > 1, words=words)
            if not self.targets[t].is_fact:
                named.setdefault(t, set()).update(u.careers)
            c = self.target_class[t]
            if (c, q.stems) in seen:
                continue  # the same text twice in one class says nothing more
            seen.add((c, q.stems))
            texts.append(q)
            labels.append(c)
            raw.append(text)
        # Which careers each entry names (the career slot reads it for every question naming
        # a career): read here from the phrasings' own slots, not found again on first use.
        self._entry_careers_memo.update((t, frozenset(n)) for t, n in named.items())
        # The detectors already decline other occupations ("how much do nurses make"): the
        # classifier learns the rest. Trained on those too, "none" would learn that pay words
        # without a career named are out of scope, and "pay?" would be declined. Junk ("$",
        # "!!! $ !!!") is declined before the classifier is asked: as training rows its
        # normalised words ("$" is "salary") would teach "none" that "pay" is out of scope.
        declined = [
            q
            for q, u in map(self._qtext, (x for x in self.kb.decline if not is_junk(clean(x))))
            if u.out_of_scope is None
        ]
        # Messages of words the knowledge never uses are not questions it answers, whatever
        # decline.yaml says (or when there is none): a few such examples teach "none" that.
        declined += [QueryText(" ".join([UNKNOWN] * n), "") for n in range(1, 4)]
        answers = [
            self._qtext(x, words=w)[0] for x, w in zip(answer_raw, answer_words, strict=True)
        ]
        answer_labels = [self.target_class[t] for t in answer_targets]
        parts = [
            *self.class_names,
            *(f"{c}|{q.stems}|{q.words}" for c, q in zip(labels, texts, strict=True)),
            *(f"{q.stems}|{q.words}" for q in declined),
            *(f"{c}|{q.stems}|{q.words}" for c, q in zip(answer_labels, answers, strict=True)),
        ]
        key = cache_key(parts, self.embedder)
        model = load_cached(self.settings.cache_dir, key)
        if model is None:
            model = train(
                texts,
                labels,
                len(self.class_names),
                self.class_names,
                raw,
                declined,
                answers,
                answer_labels,
                self.embedder,
            )
            save_cached(self.settings.cache_dir, key, model)
        return model

    # ------------------------------------------------------------------ ranking
    def _learned_rank(
        self,
        m: TrainedModel,
        words: Sequence[str],
        u: Understanding,
        part_words: Sequence[str] | None,
    ) -> list[Ranked]:
        """``words``/``u``: the message's normalised words and slots; ``part_words``: those of
        the question part of a long message (weighs ``PART_WEIGHT``), if any."""
        q = self._query(words, u)
        tokens = q.stems.split()
        if UNKNOWN in tokens and not any(self._known(t) for t in tokens):
            return []  # not one word the knowledge uses: nothing to match ("qwrtz plokm")
        queries = [q]
        if part_words is not None:
            default = self.settings.default_career
            part = self._query(part_words, self.detector.understand(part_words, default))
            # A short question part that points back ("whats that usually pay?", "how do i
            # become one of those?") asks about what the story said; alone it is another
            # question (the median pay, becoming a CSR): the story decides.
            if part.content > PART_CONTENT or not refers_back(part_words):
                queries.append(part)
            elif u.careers:
                # ...unless the story names the career it points back at ("my niece wants to
                # be an information clerk. what education does she need for that?"): then it
                # counts too, read with the story's slots (its career asked about).
                queries.append(self._query(part_words, u))
        rows = m.features.rows(queries, self.embedder)
        proba = m.features.proba_of(rows, m.classifier)
        if len(queries) > 1:
            # A short, generic question part ("any advice?", "can you help?") says less than
            # the story before it: under PART_CONTENT content words it weighs in proportion.
            w = PART_WEIGHT * min(1.0, queries[1].content / PART_CONTENT)
            # A mixture of the two distributions, each weighing in proportion to how sure it
            # is (its top answer's probability). Not a mixture of their logs, which is their
            # product: a vague question part ("am i even old enough?") spread thin flattened a
            # story that said clearly what it asks (Job Corps: 0.80 -> 0.10).
            sure_whole, sure_part = float(proba[0, :-1].max()), float(proba[1, :-1].max())
            w = w * sure_part / max(w * sure_part + (1 - w) * sure_whole, 1e-9)
            probs = (1 - w) * proba[0] + w * proba[1]
            known = (1 - w) * queries[0].known + w * queries[1].known
        else:
            probs = proba[0]
            known = q.known
        # The model vouches only for the words it knows: "qwrtz plokm genesis" is not a
        # confident question about Genesys (the same scaling as in cross-validation).
        probs = probs * known
        n = len(self.class_names)
        order = np.argsort(-probs[:n])[:RANKED]

        def near() -> set[int]:
            """The nearest phrasings' best classes, for the whole message or its question
            part (bot/engine/neighbours.py)."""
            if rows.embeddings is None:
                return set()
            return {
                c
                for (cols, vals), e in zip(rows.ngrams, rows.embeddings, strict=True)
                for c in m.neighbours.top(cols, vals, e, NEIGHBOUR_TOP)
            }

        return self._to_targets([(int(c), float(probs[c])) for c in order], u, near)

    def _to_targets(
        self,
        classes: Sequence[tuple[int, float]],
        u: Understanding,
        near: Callable[[], set[int]] | None = None,
    ) -> list[Ranked]:
        """Class probabilities -> target probabilities: the slot chooses the career. A top
        target between the answer and the held threshold is ``agreed`` only if one of its
        classes is among the nearest phrasings' (``near``, asked only then)."""
        named = list(u.careers)
        default = self.settings.default_career
        scores: dict[int, float] = {}
        capped: set[int] = set()
        sources: dict[int, set[int]] = {}
        for c, p in classes:
            by_career = self.class_targets[c]
            if not by_career:
                continue  # merged into another class
            target: int | None = None
            for career in named or [default]:
                target = by_career.get(career)
                if target is not None:
                    break
            if target is None and named:
                # An entry written about the career named answers ("could i move to an it
                # help desk": the CSR entry about that move, not the help desk's own facts).
                own = by_career.get(default)
                if own is not None and not set(named).isdisjoint(self._entry_careers(own)):
                    target = own
                else:
                    target = self._fact_for(c, named)
            if target is None:
                target = by_career.get(default, next(iter(by_career.values())))
                if named:
                    capped.add(target)
            target = self._at_level(target, u)
            scores[target] = scores.get(target, 0.0) + p
            sources.setdefault(target, set()).add(c)
        cap = max(0.0, self.answer_threshold - 0.01)
        ranked = [Ranked(t, min(s, cap) if t in capped else s) for t, s in scores.items()]
        ranked.sort(key=lambda r: -r.score)
        if (
            near is not None
            and ranked
            and self.answer_threshold <= ranked[0].score < self.held_threshold
            and not sources[ranked[0].target] & near()
        ):
            ranked[0] = dataclasses.replace(ranked[0], agreed=False)
        return ranked

    def _at_level(self, target: int, u: Understanding) -> int:
        """A pay answer for another level than the member's own, said in years ("been a rep
        7 years, what do experienced people earn": senior, not the mid level "experienced"
        suggests) -> the same career's answer of that topic for their level, if there is one.
        Only pay, and not a manager's: elsewhere, and for a role like team lead, the level can
        be where they are going ("how do i become senior", "5 years in, does team lead pay
        more")."""
        t = self.targets[target]
        if (
            not u.level_from_years
            or u.level is None
            or t.level in (None, u.level, Level.MANAGER)
            or t.topic not in PAY_TOPICS
        ):
            return target
        return self._by_level.get((t.career, t.topic, u.level), target)

    @functools.cached_property
    def _by_level(self) -> dict[tuple[str, str, Level], int]:
        """(career, topic, level) -> the target answering it (a Q&A entry before a fact)."""
        out: dict[tuple[str, str, Level], int] = {}
        for idx, t in enumerate(self.targets):
            if t.level is not None:
                key = (t.career, t.topic, t.level)
                if key not in out or self.targets[out[key]].is_fact:
                    out[key] = idx
        return out

    def _fact_for(self, c: int, careers: Sequence[str]) -> int | None:
        """The named careers' fact target of the topic (and level) of Q&A class ``c``."""
        by_career = self.class_targets[c]
        t = self.targets[next(iter(by_career.values()))]
        if t.is_fact:
            return None
        wider = FACT_BEHIND.get(t.topic)
        for career in careers:
            for topic, level in ((t.topic, t.level), (t.topic, None), (wider, None)):
                idx = self._target_index.get(fact_id(topic, career, level)) if topic else None
                if idx is not None:
                    return idx
        return None
