"""The hand-tuned ranking the engine used before the learned matcher (``engine.matcher:
legacy``): IDF preselection, rapidfuzz scores of the few candidates, detector adjustments.

Kept as the default while the learned matcher's confidence calibration is finished: it
answers the tuned evaluation set at the project's floors. A mixin of Engine: it reads the
engine's phrasing index (docs, postings, idf, doc_weight, target_docs) and answer index.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from bot.engine.facts import fact_id
from bot.engine.normalize import stem
from bot.engine.targets import Ranked
from bot.engine.understand import Understanding

if TYPE_CHECKING:
    from bot.engine.targets import EngineSettings, Target

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
CANDIDATES = 48
"""Documents scored with rapidfuzz after the index preselection."""
ANSWER_WEIGHT = 0.7
"""Confidence added for answer-text evidence 1.0 (the whole question's weight carried by
rare words of the target's answer); weaker than a phrasing match of the same words."""
ANSWER_CANDIDATES = 12
"""Targets found only through their answer text that are scored as candidates too."""
LEGACY_ANSWER = 0.70
LEGACY_UNSURE = 0.45


class LegacyRanking:
    docs: list[str]
    postings: dict[str, IntArray]
    idf: dict[str, float]
    doc_weight: FloatArray
    doc_target: IntArray
    target_docs: dict[int, list[int]]
    targets: list[Any]
    answers: Any
    settings: EngineSettings
    _target_index: dict[str, int]

    def _legacy_rank(
        self, content: Sequence[str], u: Understanding, exclude: Sequence[int] = ()
    ) -> list[Ranked]:
        """``exclude``: phrasing documents left out (training on left-out phrasings)."""
        return self._legacy_rank_inner(content, u, exclude)

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
        k = CANDIDATES
        if len(uniq) > k:
            # Shared weight relative to the document's own weight favours close phrasings.
            rel = sums / (self.doc_weight[uniq] + 1.0) + sums
            top = np.argpartition(-rel, k)[:k]
            uniq, sums = uniq[top], sums[top]
        for s, p in frequent:
            at = np.minimum(np.searchsorted(p, uniq), len(p) - 1)
            sums = sums + self.idf[s] * (p[at] == uniq)
        return uniq.astype(np.int64), np.asarray(sums, dtype=np.float64)

    def _legacy_rank_inner(
        self, content: Sequence[str], u: Understanding, exclude: Sequence[int]
    ) -> list[Ranked]:
        if not u.careers and not any(w.isalpha() for w in content):
            return []  # numbers or symbols alone ("2 2", "$$") are not a question
        docs, shared = self._candidates(content)
        evidence = self.answers.evidence(stem(w) for w in content)
        if evidence:
            docs, shared = self._answer_candidates(docs, shared, evidence, content)
        if len(exclude):
            keep = ~np.isin(docs, np.asarray(exclude, dtype=np.int64))
            docs, shared = docs[keep], shared[keep]
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
        aw = ANSWER_WEIGHT
        best = {
            t: s + self._adjust(self.targets[t], u) + aw * evidence.get(t, 0.0)
            for t, s in zip(per_target.tolist(), best_sim.tolist(), strict=True)
        }
        if u.careers:
            # Another career's entry may be suggested, never answered: no CSR figures for a
            # question about receptionists.
            configured = self.settings.answer_threshold
            cap = (LEGACY_ANSWER if configured is None else configured) - 0.05
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
        extra = [d for t in wanted[:ANSWER_CANDIDATES] for d in self.target_docs[t]]
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
