"""The answer engine: question -> one Answer (answer, unsure or decline). Pure, no Discord.

Build time: every entry's question and phrasings are normalised once and put in an inverted
index (word stem -> documents). Fact topics become *virtual entries* ("fact.<topic>.<career>"),
with generated phrasings, so "receptionist salary" ranks like any curated entry but is
answered from structured facts.

Each target's answer text (a Q&A answer; a fact answer's items, issuers and figures) goes in
a second index (bot/engine/answerindex.py): a question naming something only an answer says
("Five9", "HDI", "the Philippines") finds that answer although no phrasing contains it.

Ask time: normalise, detect career/level/topic/out-of-scope, preselect candidates from the
index by IDF weight (numpy, no Python loop over entries), add the targets whose answers hold
the question's rare words, score the few candidates with rapidfuzz ``cdist``, fold in the
detectors and the answer-text evidence, take one confidence in [0, 1].
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from bot.engine import facts
from bot.engine.answer import Answer, AnswerField, Outcome, Suggestion
from bot.engine.answerindex import AnswerIndex, name_words
from bot.engine.facts import fact_field, fact_id, source_refs
from bot.engine.normalize import Normalizer, clean, stem
from bot.engine.understand import Detector, Understanding
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.model import Entry, Level, Topic

_WORD = re.compile(r"[a-z0-9]+")

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class EngineSettings:
    default_career: str = "customer-service-representative"
    answer_threshold: float = 0.70
    unsure_threshold: float = 0.45
    candidates: int = 48
    """Documents scored with rapidfuzz after the index preselection."""
    answer_weight: float = 0.7
    """Confidence added for answer-text evidence 1.0 (the whole question's weight carried by
    rare words of the target's answer); weaker than a phrasing match of the same words."""
    answer_candidates: int = 12
    """Targets found only through their answer text that are scored as candidates too."""


@dataclass(frozen=True, slots=True)
class Target:
    """Something a question can resolve to: a Q&A entry or a fact topic of a career."""

    id: str
    career: str
    topic: str
    """A Topic for fact targets; any slug for Q&A entries."""
    level: Level | None
    question: str
    is_fact: bool


@dataclass(frozen=True, slots=True)
class Ranked:
    target: int
    score: float


# Generated phrasings of fact targets. {n} name, {p} plural, {l} level words.
FACT_TEMPLATES: dict[Topic, tuple[str, ...]] = {
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
SALARY_TOPICS = frozenset({Topic.SALARY, Topic.HOURLY_PAY, Topic.PERCENTILES, Topic.REGIONS})


def _plural(name: str) -> str:
    if name.endswith("y") and not name.endswith(("ay", "ey", "oy")):
        return name[:-1] + "ies"
    return name if name.endswith("s") else name + "s"


class Engine:
    """Answers questions from a KnowledgeBase. Build once; ``ask`` never raises."""

    def __init__(self, kb: KnowledgeBase, settings: EngineSettings | None = None) -> None:
        self.kb = kb
        settings = settings or EngineSettings()
        self.settings = dataclasses.replace(
            settings, default_career=kb.default_career_for(settings.default_career)
        )
        self._multi_career_targets: dict[int, bool] = {}  # filled as questions need it
        # Autocomplete's word list, built on first use (not at start-up).
        self._word_counts: Counter[str] | None = None
        self._known_words: list[str] = []
        self.norm = Normalizer(kb.synonyms, self._vocabulary())
        self.detector = Detector(kb, self.norm)
        self.targets: list[Target] = []
        self._target_index: dict[str, int] = {}
        docs: list[str] = []
        doc_target: list[int] = []
        for entry_id, entry in kb.entries.items():
            career = kb.entry_career.get(entry_id, self.settings.default_career)
            t = self._add_target(
                Target(entry_id, career, entry.topic, entry.level, entry.question, False)
            )
            for text in (entry.question, *entry.phrasings):
                docs.append(self._doc(text))
                doc_target.append(t)
        for t_id, phrasings in self._fact_targets():
            for text in phrasings:
                docs.append(self._doc(text))
                doc_target.append(t_id)
        self.docs = docs
        self.doc_target: IntArray = np.asarray(doc_target, dtype=np.int64)
        self._build_index()
        texts = [self._answer_text(t) for t in self.targets]
        self.answers = AnswerIndex(
            [self._content(self.norm.words(text, correct=False)) for text in texts],
            self.postings,
            self.doc_target,
            names={w for n in name_words(texts) for w in clean(n).split()},
        )

    # ================================================================== build
    def _vocabulary(self) -> list[str]:
        kb = self.kb
        words: list[str] = []
        for entry in kb.entries.values():
            words += [entry.question, *entry.phrasings, entry.answer]
        for slug, ck in kb.careers.items():
            c = ck.career
            words += [c.name, c.plural or _plural(c.name), *c.aliases, slug.replace("-", " ")]
            words.append(c.summary)
        syn = kb.synonyms
        for ws in syn.topics.values():
            words += ws
        for ws in syn.levels.values():
            words += ws
        words += syn.out_of_scope
        words += syn.off_topic
        words += syn.stopwords
        for ck in kb.careers.values():
            for items in (getattr(ck.lists, name) for name in type(ck.lists).model_fields):
                words += [x for i in items for x in (i.name, i.detail, i.issuer) if x]
        for tpls in FACT_TEMPLATES.values():
            words += tpls
        return words

    def _content(self, words: Sequence[str]) -> list[str]:
        """What the text ranking compares: no stopwords and no career names (those are
        matched by the detector, so "receptionist salary" finds the salary phrasings and the
        career adjustment picks the receptionist's)."""
        content = self.norm.content(self.detector.strip_careers(words))
        return content or self.norm.content(words)

    def _doc(self, text: str) -> str:
        content = self._content(self.norm.words(text))
        return " ".join(content) if content else self.norm.normalise(text)

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
        out: list[tuple[int, list[str]]] = []
        for slug, ck in self.kb.careers.items():
            name = ck.career.name.lower()
            plural = (ck.career.plural or _plural(ck.career.name)).lower()
            for topic, templates in FACT_TEMPLATES.items():
                if not self._has_facts(slug, topic, None):
                    continue
                q = QUESTION_TEMPLATES[topic].format(n=name, p=plural)
                t = self._add_target(Target(fact_id(topic, slug, None), slug, topic, None, q, True))
                out.append((t, [tpl.format(n=name, p=plural) for tpl in templates]))
                if topic is not Topic.SALARY:
                    continue
                for level, lw in LEVEL_WORDS.items():
                    if not self._has_facts(slug, topic, level):
                        continue
                    lq = f"How much does a {lw} {name} earn?"
                    lt = self._add_target(
                        Target(fact_id(topic, slug, level), slug, topic, level, lq, True)
                    )
                    out.append(
                        (lt, [tpl.format(n=name, p=plural, l=lw) for tpl in LEVEL_TEMPLATES])
                    )
        return out

    def _has_facts(self, slug: str, topic: Topic, level: Level | None) -> bool:
        """Whether facts.answer_for_topic answers this (without building the answer)."""
        return topic in facts.SUPPORTED_TOPICS and facts.has_data(self.kb, slug, topic, level)

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
        """Targets best first with their confidence (targets under every threshold dropped)."""
        words = self.norm.words(question)
        u = self.detector.understand(words, self.settings.default_career)
        content = self._content(words)
        return u, self._rank(content, u)

    def answer_entry(self, entry_id: str) -> Answer | None:
        idx = self._target_index.get(entry_id)
        if idx is not None:
            return self._answer_target(idx, 1.0)
        # Fact ids without a target of their own (comparisons, sources, levels not generated).
        # Built whole by facts (a same-career comparison is its decline, kept as one).
        return facts.answer_for_fact_id(self.kb, entry_id)

    def complete(self, text: str, limit: int = 25) -> list[Suggestion]:
        limit = max(0, min(limit, 25))
        if not text.strip():
            out = [
                Suggestion(t.id, t.question[:100])
                for t in self.targets
                if t.career == self.settings.default_career and not t.is_fact
            ]
            return out[:limit]
        try:
            _, ranked = self.rank(self._finish_last_word(text))
        except Exception:
            return []
        return [
            Suggestion(self.targets[r.target].id, self.targets[r.target].question[:100], r.score)
            for r in ranked[:limit]
        ]

    def _finish_last_word(self, text: str) -> str:
        """Autocomplete sees text while it is typed: "csr sal" means "csr salary". An
        unfinished last word (not a known word) becomes the most common known word it begins."""
        head, _, last = text.rstrip().rpartition(" ")
        last = last.casefold()
        if text[-1:].isspace() or len(last) < 2:
            return text
        if self._word_counts is None:
            counts: Counter[str] = Counter()
            for entry in self.kb.entries.values():
                for phrase in (entry.question, *entry.phrasings):
                    counts.update(w for w in _WORD.findall(phrase.casefold()) if len(w) > 2)
            self._word_counts = counts
            self._known_words = sorted(counts)
        if last in self._word_counts:
            return text
        start = bisect.bisect_left(self._known_words, last)
        best: str | None = None
        for word in itertools.islice(self._known_words, start, None):
            if not word.startswith(last):
                break
            if best is None or self._word_counts[word] > self._word_counts[best]:
                best = word
        return f"{head} {best}" if best else text

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
    def _candidates(self, content: Sequence[str]) -> tuple[IntArray, FloatArray]:
        """Top documents by IDF weight of shared words (numpy: no loop over documents).

        Only words in at most ``cap`` documents select candidates (a word in a third of all
        documents says little and would make the cost grow with the knowledge); the weight of
        the frequent words is added afterwards for the chosen few by binary search.
        """
        stems = list(dict.fromkeys(stem(w) for w in content))
        pairs = sorted(
            ((s, self.postings[s]) for s in stems if s in self.postings), key=lambda p: len(p[1])
        )
        if not pairs:
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64)
        cap = max(2000, len(self.docs) // 50)
        selective = [p for p in pairs if len(p[1]) <= cap] or pairs[:1]
        frequent = pairs[len(selective) :]
        docs = np.concatenate([p for _, p in selective])
        w = np.concatenate([np.full(len(p), self.idf[s]) for s, p in selective])
        uniq, inverse = np.unique(docs, return_inverse=True)
        sums = np.bincount(inverse, weights=w)
        k = self.settings.candidates
        if len(uniq) > k:
            # Shared weight relative to the document's own weight favours close phrasings.
            rel = sums / (self.doc_weight[uniq] + 1.0) + sums
            top = np.argpartition(-rel, k)[:k]
            uniq, sums = uniq[top], sums[top]
        for s, p in frequent:
            at = np.minimum(np.searchsorted(p, uniq), len(p) - 1)
            sums = sums + self.idf[s] * (p[at] == uniq)
        return uniq.astype(np.int64), np.asarray(sums, dtype=np.float64)

    def _rank(self, content: Sequence[str], u: Understanding) -> list[Ranked]:
        if not u.careers and not any(w.isalpha() for w in content):
            return []  # numbers or symbols alone ("2 2", "$$") are not a question
        docs, shared = self._candidates(content)
        evidence = self.answers.evidence(stem(w) for w in content)
        if evidence:
            docs, shared = self._answer_candidates(docs, shared, evidence, content)
        if len(docs) == 0:
            return []
        q = " ".join(content)
        q_weight = sum(self.idf.get(stem(w), 0.0) for w in set(content))
        q_known = sum(1 for w in set(content) if stem(w) in self.postings) / len(set(content))
        choices = [self.docs[d] for d in docs.tolist()]
        set_s = process.cdist([q], choices, scorer=fuzz.token_set_ratio, processor=None)[0]
        sort_s = process.cdist([q], choices, scorer=fuzz.token_sort_ratio, processor=None)[0]
        coverage = shared / max(q_weight, 1e-9)
        doc_cov = shared / np.maximum(self.doc_weight[docs], 1e-9)
        coverage = np.minimum(coverage, 1.0)
        doc_cov = np.minimum(doc_cov, 1.0)
        # Short questions must be covered by the phrasing; a long message (a story around
        # the question) only has to contain the phrasing, so weight shifts to doc coverage.
        alpha = min(1.0, 6.0 / len(set(content)))
        sim = (
            0.35 * set_s / 100.0
            + 0.25 * (alpha * sort_s / 100.0 + (1 - alpha) * doc_cov)
            + 0.25 * (alpha * coverage + (1 - alpha) * doc_cov)
            + 0.15 * doc_cov
        )
        sim = sim * (1.0 - alpha * 0.5 * (1.0 - q_known))
        if u.career is None and u.topic is None and u.level is None:
            sim = sim * 0.85  # nothing career-like recognised: be slow to answer
        # Best phrasing per target (numpy), then the detectors once per target.
        order = np.argsort(-sim, kind="stable")
        per_target, first = np.unique(self.doc_target[docs][order], return_index=True)
        best_sim = sim[order][first]
        aw = self.settings.answer_weight
        best = {
            t: s + self._adjust(self.targets[t], u) + aw * evidence.get(t, 0.0)
            for t, s in zip(per_target.tolist(), best_sim.tolist(), strict=True)
        }
        if u.careers:
            # Another career's entry may be suggested, never answered: no CSR figures for a
            # question about receptionists.
            cap = self.settings.answer_threshold - 0.05
            for t in best:
                if self.targets[t].career not in u.careers:
                    best[t] = min(best[t], cap)
        # Order by the raw score (ties above 1.0 still count), report it clamped to [0, 1].
        self._fill_slots(best, u)
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], self.targets[kv[0]].is_fact, kv[0]))
        return [Ranked(t, max(0.0, min(1.0, s))) for t, s in ranked]

    def _answer_candidates(
        self,
        docs: IntArray,
        shared: FloatArray,
        evidence: dict[int, float],
        content: Sequence[str],
    ) -> tuple[IntArray, FloatArray]:
        """Add the phrasings of the targets whose answers best match the question's rare words,
        so a target found only by what its answer says is scored like any other."""
        have = set(self.doc_target[docs].tolist())
        wanted = sorted((t for t in evidence if t not in have), key=lambda t: -evidence[t])
        extra = [d for t in wanted[: self.settings.answer_candidates] for d in self.target_docs[t]]
        if not extra:
            return docs, shared
        q_stems = {stem(w) for w in content}
        extra_shared = [
            sum(self.idf[s] for s in q_stems & {stem(w) for w in self.docs[d].split()})
            for d in extra
        ]
        return (
            np.concatenate([docs, np.asarray(extra, dtype=np.int64)]),
            np.concatenate([shared, np.asarray(extra_shared, dtype=np.float64)]),
        )

    def _fill_slots(self, best: dict[int, float], u: Understanding) -> None:
        """A detected topic with a fact answer for the career is a candidate by itself.

        "front desk receptionist how much a year" shares few words with any phrasing, but
        career + topic say exactly which structured answer is wanted.
        """
        if u.topic is None:
            return
        career = u.career or self.settings.default_career
        ids = [fact_id(u.topic, career, u.level)] if u.level else []
        ids.append(fact_id(u.topic, career, None))
        for tid in ids:
            idx = self._target_index.get(tid)
            if idx is not None:
                slot = 0.74 if u.career is not None else 0.66
                best[idx] = max(best.get(idx, 0.0), slot + (0.04 if u.level else 0.0))
                return

    def _adjust(self, t: Target, u: Understanding) -> float:
        """Fold the detectors into the text similarity."""
        adj = 0.0
        default = self.settings.default_career
        if u.career is not None:
            if t.career == u.career:
                adj += 0.12
            else:
                adj -= 0.1 if t.career in u.careers else 0.35
        elif t.career != default:
            adj -= 0.15
        if u.topic is not None:
            if t.topic == u.topic:
                adj += 0.06
            else:
                # A fact target answers exactly one topic; a Q&A entry may span several.
                adj -= 0.15 if t.is_fact else 0.04
        if u.level is not None:
            if t.level == u.level:
                adj += 0.08
            elif t.level is not None:
                adj -= 0.2
        elif t.level is not None:
            adj -= 0.02  # no level asked: prefer the general answer, but only just
        if not t.is_fact:
            adj += 0.01  # a curated entry wins a tie with a generated fact phrasing
        elif len(u.careers) > 1:
            adj -= 0.05  # one career's figures only half answer a question about several
        return adj

    # ================================================================== outcomes
    def _ask(self, question: str) -> Answer:
        u, ranked = self.rank(question)
        if u.out_of_scope is not None:
            return self._decline(
                u, f"I don't have information about {self._about(u.out_of_scope)}."
            )
        if (
            len(u.careers) >= 2
            and (u.topic is None or u.topic in SALARY_TOPICS)
            and not (ranked and ranked[0].score >= 0.85 and self._multi_career(ranked[0].target))
        ):
            compared = self._compare(u.careers[0], u.careers[1], 1.0)
            if compared is not None:
                return compared
        if not ranked:
            return self._decline(u, "I couldn't match that to anything I know.")
        top = ranked[0]
        s = self.settings
        if top.score >= s.answer_threshold:
            answer = self._answer_target(top.target, top.score)
            if answer is not None:
                return answer
        if top.score >= s.unsure_threshold:
            picks: list[Suggestion] = []
            for r in ranked:
                if r.score < s.unsure_threshold * 0.8 or len(picks) == 3:
                    break
                t = self.targets[r.target]
                picks.append(Suggestion(t.id, t.question[:100], r.score))
            return Answer(
                outcome=Outcome.UNSURE,
                title="I'm not sure what you mean",
                body="Did you mean one of these? Pick one, or rephrase your question.",
                suggestions=tuple(picks),
                confidence=top.score,
                career=u.career,
                level=u.level.value if u.level else None,
                topic=u.topic.value if u.topic else None,
            )
        return self._decline(u, "I couldn't match that to anything I know.")

    def _about(self, named: str) -> str:
        """How the decline names what was asked about: occupations in the plural ("nurses",
        "police officers"), fields and other topics as written ("cybersecurity", "pizza")."""
        if named in self.kb.synonyms.off_topic:
            return named
        last = named.split()[-1] if named.split() else named
        if last.endswith(("s", "ing", "ity", "ics", "ism", "ce", "school", "care")):
            return named
        return _plural(named)

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
        known = self._multi_career_targets.get(idx)
        if known is not None:
            return known
        t = self.targets[idx]
        named: set[str] = set()
        if not t.is_fact:
            entry = self.kb.entries[t.id]
            for text in (entry.question, *entry.phrasings):
                named.update(self.detector.careers(self.norm.words(text)))
        self._multi_career_targets[idx] = len(named) >= 2
        return len(named) >= 2

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
            topic=entry.topic,
        )
