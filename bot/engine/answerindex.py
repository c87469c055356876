"""Evidence from what answers *say*, not only from how their questions are phrased.

Phrasings cover how members ask; a question may instead name something only the answer
contains: a product ("Five9"), an issuer ("HDI"), a country, a programme. This index maps each
word stem of every target's answer text (a Q&A entry's answer; a fact answer's fields, i.e. its
list items, issuers and figures) to the targets saying it.

Only *rare* stems count: a word in a few answers identifies them; a word in many ("customer",
"salary") says nothing an answer-text match should act on, so it can never override a phrasing
match or lift a question that should be declined. Names (words an answer writes capitalised
mid-sentence, or with digits) count fully; an ordinary word counts weakly, and not at all when
phrasings use it (the phrasing score already places it). The evidence for a target is the
share of the question's weight (IDF over all targets, phrasings and answers) carried by rare
stems of that target's answer, each scaled by how rare it is.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np
import numpy.typing as npt

from bot.engine.normalize import stem

IntArray = npt.NDArray[np.int64]

RARE_FULL = 3
"""A stem in at most this many targets' answers is fully rare (weight 1)."""
RARE_MAX = 10
"""A stem in more targets' answers than this carries no answer evidence at all."""
FILLER = frozenset(
    {
        "anyone",
        "anybody",
        "someone",
        "somebody",
        "anything",
        "something",
        "everyone",
        "here",
        "there",
        "tell",
        "know",
        "need",
        "want",
        "use",
        "using",
        "used",
        "say",
        "said",
        "give",
        "explain",
        "thing",
        "stuff",
        "way",
        "much",
        "many",
        "lot",
        "also",
        "else",
        "ever",
        "even",
        "still",
        "yet",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "why",
        "where",
        "have",
        "has",
        "had",
        "does",
        "did",
        "doing",
        "done",
        "out",
        "up",
        "into",
        "onto",
        "from",
        "by",
        "than",
        "then",
        "too",
        "very",
        "good",
        "bad",
        "best",
        "better",
    }
)
"""Everyday words that say nothing about *which* answer is wanted. They neither carry nor
dilute answer-text evidence (the phrasing score still sees them). Stems, lower case."""
NAME_WEIGHT = 2.0
"""A name's weight in the question relative to an ordinary word of the same rarity."""
PLAIN_WORD = 0.35
"""Weight of a rare ordinary word ("here", "patience") next to a name ("Five9", "HDI")."""

_NAME = re.compile(r"(?<=[a-z0-9,] )(?:[A-Z][A-Za-z0-9]*)\b|\b[A-Za-z]+[0-9][A-Za-z0-9]*\b")
_SENTENCE_START = re.compile(r"(?:^|[.!?:•\n]\s*)([A-Z][A-Za-z0-9]*)")


def rarity(df: int) -> float:
    """1.0 for a stem in ≤ RARE_FULL answers, falling linearly to 0 past RARE_MAX."""
    if df <= RARE_FULL:
        return 1.0
    if df > RARE_MAX:
        return 0.0
    return (RARE_MAX + 1 - df) / (RARE_MAX + 1 - RARE_FULL)


_LOWER = re.compile(r"\b[a-z][a-z]+\b")


def name_words(texts: Iterable[str]) -> set[str]:
    """Words written like names in ``texts``: letters with digits ("Five9"), or capitalised
    inside a sentence ("the Philippines", "issued by HDI") more often than written in
    lower case (so a Title Case label like "Burnout Risk" does not make "burnout" a name).
    Casefolded, unstemmed."""
    capital: dict[str, int] = {}
    lower: dict[str, int] = {}
    for text in texts:
        starts = {m.start(1) for m in _SENTENCE_START.finditer(text)}
        for m in _NAME.finditer(text):
            if m.start() not in starts:
                word = m.group(0).casefold()
                capital[word] = capital.get(word, 0) + 1
        for m in _LOWER.finditer(text):
            lower[m.group(0)] = lower.get(m.group(0), 0) + 1
    return {
        w
        for w, n in capital.items()
        if any(c.isdigit() for c in w) or (n > lower.get(w, 0) and not w.isdigit())
    }


def _informative(s: str) -> bool:
    """Numbers ("2024", "40k") and very short tokens are not names of anything."""
    return len(s) >= 3 and sum(c.isalpha() for c in s) >= 3


class AnswerIndex:
    """Answer-text stems -> targets, and IDF weights over targets (phrasings ∪ answers)."""

    def __init__(
        self,
        answer_words: Sequence[Sequence[str]],
        phrase_postings: dict[str, IntArray],
        doc_target: IntArray,
        names: Iterable[str] = (),
    ) -> None:
        """``answer_words[t]``: content words of target t's answer; ``phrase_postings``:
        stem -> phrasing documents; ``doc_target``: document -> target; ``names``: words the
        answers write like names (see :func:`name_words`)."""
        self.n_targets = max(len(answer_words), 1)
        self.names = frozenset(stem(w) for w in names)
        postings: dict[str, list[int]] = defaultdict(list)
        for t, words in enumerate(answer_words):
            for s in {stem(w) for w in words}:
                postings[s].append(t)
        self.postings: dict[str, IntArray] = {
            s: np.asarray(ts, dtype=np.int64) for s, ts in postings.items()
        }
        # How many targets use a stem anywhere (a phrasing or the answer): the question-side
        # weight. Computed for every stem once, so asking costs dictionary look-ups only.
        self.target_df: dict[str, int] = {}
        self.phrase_targets: dict[str, IntArray] = {}
        for s, docs in phrase_postings.items():
            in_phrasings = np.unique(doc_target[docs])
            self.phrase_targets[s] = in_phrasings
            in_answers = self.postings.get(s)
            if in_answers is not None:
                in_phrasings = np.union1d(in_phrasings, in_answers)
            self.target_df[s] = len(in_phrasings)
        self.phrased = frozenset(phrase_postings)
        for s, ts in self.postings.items():
            self.target_df.setdefault(s, len(ts))

    def weight(self, s: str) -> float:
        """IDF of a stem over targets; an unknown stem weighs the most (it dilutes)."""
        return math.log(1.0 + self.n_targets / max(self.target_df.get(s, 0), 1))

    def _says(self, t: int, s: str) -> bool:
        """Whether target ``t`` uses stem ``s`` in its answer or one of its phrasings."""
        for arr in (self.postings.get(s), self.phrase_targets.get(s)):
            if arr is not None:
                at = int(np.searchsorted(arr, t))
                if at < len(arr) and int(arr[at]) == t:
                    return True
        return False

    def evidence(self, stems: Iterable[str]) -> dict[int, float]:
        """Target -> share of the question's weight carried by rare stems of its answer,
        scaled down by the share of the question the target does not speak about at all
        ("the population of India": India is in an answer, population is not)."""
        all_stems = list(dict.fromkeys(stems))
        uniq = [s for s in all_stems if s not in FILLER]
        # A name is what a question naming one is about ("tell me about LinkedIn").
        weights = {s: self.weight(s) * (NAME_WEIGHT if s in self.names else 1.0) for s in uniq}
        # Words the knowledge never uses do not dilute a name's share of the question; but a
        # question mostly of such words (gibberish around one word the typo corrector turned
        # into a name) gets proportionally less.
        known = [s for s in uniq if s in self.target_df]
        total = sum(weights[s] for s in known)
        found: dict[int, float] = {}
        if total <= 0:
            return found
        known_share = (len(known) + len(all_stems) - len(uniq)) / len(all_stems)
        for s in known:
            targets = self.postings.get(s)
            if targets is None or len(targets) > RARE_MAX or not _informative(s):
                continue
            share = rarity(len(targets)) * weights[s] / total * known_share
            if s not in self.names:
                if s in self.phrased:
                    continue  # the phrasing score already weighs it where it belongs
                share *= PLAIN_WORD
            for t in targets.tolist():
                found[t] = found.get(t, 0.0) + share
        # Words the knowledge never uses count as not spoken about ("restaurants").
        unknown = sum(self.weight(s) for s in uniq if s not in self.target_df)
        for t in found:
            covered = sum(weights[s] for s in known if self._says(t, s)) / (total + unknown)
            found[t] *= covered * covered
        return found
