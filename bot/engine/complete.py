"""Autocomplete: the text a member is typing -> questions to pick. Pure (no Discord).

People start questions the way they speak ("how much", "how do i", "can i", "teller"), and
those are mostly stopwords the ranking ignores. So completion matches words, not meaning:
every typed word must begin a word of the question, of one of its phrasings, or of its
career's and topic's names ("recep" → receptionist, "salar" → salary), the last word being
still unfinished. Questions whose text starts with the typed words come first, then those
holding them in order; a career named (even half typed) brings its own questions first, else
the default career's. Too few word matches (a typo): the engine's ranking fills in.

The work is bounded whatever the knowledge's size: an unfinished word stands for at most
``MAX_PREFIX_WORDS`` vocabulary words, and at most ``MAX_EXAMINED`` documents are looked at
(``Completer.examined`` counts them, for tests and benchmarks).

Shown texts are tidied: "a entry level clerk" reads "an entry-level clerk".
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Final, Protocol

from bot.engine.answer import Suggestion
from bot.engine.normalize import clean, stem
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.model import Level, Topic

MAX_EXAMINED: Final = 2000
"""Documents (questions and phrasings) looked at per keystroke, at most."""
MAX_PREFIX_WORDS: Final = 64
"""Vocabulary words an unfinished word may stand for, at most (the most frequent)."""
MAX_CHOICE: Final = 100
MIN_CHOICES: Final = 3
"""Fewer word matches than this: the engine's ranking adds its best guesses."""
COMPARED_PER_CAREER: Final = 4
"""Pay comparisons offered for each career with pay figures (its related careers first)."""

_WORD: Final = re.compile(r"[a-z0-9]+")
_ARTICLE: Final = re.compile(r"\b([Aa]) (?=([A-Za-z][\w-]*))")
_LEVEL_ADJECTIVE: Final = re.compile(r"\b(entry|mid) level (?=[a-z])", re.IGNORECASE)
_YOU_SOUND: Final = ("uni", "use", "usu", "uti", "ure", "eu", "one", "once")
_SILENT_H: Final = ("hour", "honest", "honor", "honour", "heir")


class Target(Protocol):
    """What completion needs of an engine target (bot.engine.engine.Target has it)."""

    @property
    def id(self) -> str: ...
    @property
    def career(self) -> str: ...
    @property
    def topic(self) -> str: ...
    @property
    def level(self) -> Level | None: ...
    @property
    def question(self) -> str: ...
    @property
    def is_fact(self) -> bool: ...


@dataclass(frozen=True, slots=True)
class _Comparison:
    """A pay comparison of two careers: a choice although no entry holds it (the engine
    answers it, and ``fact.compare.<a>.<b>`` is how quick facts name it)."""

    id: str
    career: str
    question: str
    topic: Topic = Topic.SALARY
    level: Level | None = None
    is_fact: bool = True


def _comparisons(kb: KnowledgeBase, targets: Sequence[Target]) -> list[_Comparison]:
    paid = [t.career for t in targets if t.is_fact and t.topic == Topic.SALARY and t.level is None]
    out: list[_Comparison] = []
    for a in paid:
        related = [r for r in kb.careers[a].career.related if r in paid]
        others = [*related, *(b for b in paid if b not in related)]
        for b in [b for b in others if b != a][:COMPARED_PER_CAREER]:
            pa = kb.careers[a].career.plural or kb.careers[a].career.name + "s"
            pb = kb.careers[b].career.plural or kb.careers[b].career.name + "s"
            question = f"How much do {pa.lower()} earn compared with {pb.lower()}?"
            out.append(_Comparison(f"fact.compare.{a}.{b}", a, question))
    return out


def _an(word: str) -> bool:
    w = word.casefold()
    if w.startswith(_SILENT_H):
        return True
    return w[:1] in ("a", "e", "i", "o", "u") and not w.startswith(_YOU_SOUND)


def tidy(question: str) -> str:
    """The question as shown: "entry level X" → "entry-level X", "a" → "an" before a vowel."""
    text = _LEVEL_ADJECTIVE.sub(lambda m: f"{m.group(1)}-level ", question)

    def article(m: re.Match[str]) -> str:
        if not _an(m.group(2)):
            return m.group(0)
        return ("An " if m.group(1) == "A" else "an ") if m.group(2) else m.group(0)

    return _ARTICLE.sub(article, text)


def _key(text: str) -> str:
    """Texts that differ only in case, spacing or punctuation are one choice."""
    return " ".join(_WORD.findall(text.casefold()))


@dataclass(frozen=True, slots=True)
class _Doc:
    target: int
    words: tuple[str, ...]
    """The text's words, in order (matched in order or anywhere)."""
    extra: frozenset[str]
    """Words of the target's career, topic and level (matched anywhere)."""
    stems: frozenset[str]
    is_question: bool
    """The shown question itself (not a phrasing of it)."""


class Completer:
    """Built once per engine (lazily: completion is not needed to answer)."""

    def __init__(
        self,
        kb: KnowledgeBase,
        targets: Sequence[Target],
        default_career: str,
        *,
        careers_named: Callable[[str], list[str]],
        rank: Callable[[str], list[tuple[int, float]]],
    ) -> None:
        self.kb = kb
        targets = [*targets, *_comparisons(kb, targets)]
        self.targets: Sequence[Target] = targets
        self.default_career = default_career
        self._careers_named = careers_named
        self._rank = rank
        self.examined = 0
        """Documents looked at by the last ``complete`` (bounded by MAX_EXAMINED)."""
        extras = {slug: self._career_words(slug) for slug in kb.careers}
        order = sorted(
            range(len(targets)),
            key=lambda i: (targets[i].career != default_career, targets[i].is_fact, i),
        )
        docs: list[_Doc] = []
        for t_index in order:
            t = targets[t_index]
            extra = set(extras.get(t.career, ()))
            known = t.topic in Topic.__members__.values()
            topic_words = kb.synonyms.topics.get(Topic(t.topic), ()) if known else ()
            extra.update(self._words_of(topic_words))
            if t.level is not None:
                extra.update(self._words_of(kb.synonyms.levels.get(t.level, ())))
            texts = [(t.question, True)]
            if not t.is_fact and t.id in kb.entries:
                texts += [(p, False) for p in kb.entries[t.id].phrasings]
            for text, is_question in texts:
                words = tuple(clean(text).split())
                stems = frozenset(stem(w) for w in (*words, *extra))
                docs.append(_Doc(t_index, words, frozenset(extra), stems, is_question))
        self.docs = docs
        postings: dict[str, list[int]] = {}
        for d, doc in enumerate(docs):
            for w in set(doc.words) | doc.extra:
                postings.setdefault(w, []).append(d)
        self.postings = postings
        self.vocabulary = sorted(postings)
        self._by_stem: dict[str, list[str]] = {}
        for w in self.vocabulary:
            self._by_stem.setdefault(stem(w), []).append(w)
        self._counts = Counter({w: len(ds) for w, ds in postings.items()})

    @staticmethod
    def _words_of(phrases: Iterable[str]) -> set[str]:
        return {w for p in phrases for w in clean(p).split()}

    def _career_words(self, slug: str) -> set[str]:
        c = self.kb.careers[slug].career
        return self._words_of([c.name, c.plural or "", *c.aliases, slug.replace("-", " ")])

    # ------------------------------------------------------------------ matching
    def _expand(self, word: str, unfinished: bool) -> list[str]:
        """Vocabulary words ``word`` may be: itself, its stem's words, words it begins."""
        forms = (word, *self._by_stem.get(stem(word), ()))
        out = dict.fromkeys(w for w in forms if w in self.postings)
        start = bisect.bisect_left(self.vocabulary, word)
        longer = itertools.takewhile(
            lambda w: w.startswith(word), itertools.islice(self.vocabulary, start, None)
        )
        # Finished short words ("do", "i") stand for themselves and their forms only.
        if unfinished or len(word) >= 3:
            begun = heapq.nlargest(MAX_PREFIX_WORDS, longer, key=self._counts.__getitem__)
            out.update(dict.fromkeys(begun))
        return list(out)[: MAX_PREFIX_WORDS + 4]

    @staticmethod
    def _fits(typed: str, word: str, unfinished: bool) -> bool:
        if word == typed or stem(word) == stem(typed):
            return True
        return word.startswith(typed) and (unfinished or len(typed) >= 3 or len(word) <= 4)

    def _found(self, typed: str, doc: _Doc, unfinished: bool) -> bool:
        begins = any(w.startswith(typed) for w in (*doc.words, *doc.extra))
        if begins and (unfinished or len(typed) >= 3):
            return True
        return stem(typed) in doc.stems or any(self._fits(typed, w, unfinished) for w in doc.words)

    def _order_score(self, typed: Sequence[str], doc: _Doc, last_unfinished: bool) -> float:
        """3 when the text starts with the typed words, 1.5 when it holds them in order."""
        n = len(typed)

        def fits(i: int, word: str) -> bool:
            return self._fits(typed[i], word, last_unfinished and i == n - 1)

        if len(doc.words) >= n and all(fits(i, doc.words[i]) for i in range(n)):
            return 3.0
        pos = 0
        for w in doc.words:
            if pos < n and fits(pos, w):
                pos += 1
        return 1.5 if pos == n else 0.0

    def _candidates(self, typed: Sequence[str], unfinished: bool) -> Iterator[int]:
        """Documents holding the most selective typed word, best-priority first."""
        options = [
            (sum(len(self.postings[w]) for w in ws), ws)
            for i, word in enumerate(typed)
            if (ws := self._expand(word, unfinished and i == len(typed) - 1))
        ]
        if len(options) < len(typed):
            return iter(())  # a typed word begins no known word: no word match
        _, words = min(options, key=lambda o: o[0])
        merged = heapq.merge(*(self.postings[w] for w in words))
        return (d for d, _ in itertools.groupby(merged))

    # ------------------------------------------------------------------ public
    def complete(self, text: str, limit: int = 25) -> list[Suggestion]:
        limit = max(0, min(limit, 25))
        self.examined = 0
        if not text.strip():
            default = self.default_career
            curated = (
                i for i, t in enumerate(self.targets) if t.career == default and not t.is_fact
            )
            return self._distinct(curated, limit)
        typed = clean(text).split()
        if not typed:
            return []
        unfinished = not text[-1:].isspace()
        named = self._careers_named(self._finished(typed, unfinished))
        scores: dict[int, float] = {}
        rank_of: dict[int, int] = {}
        for d in self._candidates(typed, unfinished):
            if self.examined >= MAX_EXAMINED:
                break
            self.examined += 1
            doc = self.docs[d]
            last = len(typed) - 1
            if not all(self._found(w, doc, unfinished and i == last) for i, w in enumerate(typed)):
                continue
            t = self.targets[doc.target]
            score = self._order_score(typed, doc, unfinished) + (1.0 if doc.is_question else 0.0)
            if named:
                score += 3.0 if t.career in named else 0.0
            elif t.career == self.default_career:
                score += 0.5
            score += 0.0 if t.is_fact else 0.3
            if isinstance(t, _Comparison):
                score -= 2.0  # offered beside the career's own questions, never before them
            if score > scores.get(doc.target, -1.0):
                scores[doc.target] = score
            rank_of.setdefault(doc.target, d)
        # The engine's ranking of the (finished) text orders matches of equal standing, and
        # fills in when too few words matched (a typo).
        try:
            guessed = self._rank(self._finished(typed, unfinished))
        except Exception:  # a guess must never take autocomplete down
            guessed = []
        for t_index, confidence in guessed:
            if t_index in scores:
                scores[t_index] += confidence
        best = sorted(scores, key=lambda t: (-scores[t], rank_of[t]))
        out = self._distinct(best, limit, scores)
        if len(out) < min(MIN_CHOICES, limit):
            out = self._distinct([*best, *(t for t, _ in guessed)], limit, scores)
        return out

    def _finished(self, typed: Sequence[str], unfinished: bool) -> str:
        """The text with an unfinished last word read as the most common word it begins."""
        if not unfinished or typed[-1] in self.postings:
            return " ".join(typed)
        begun = self._expand(typed[-1], True)
        best = max(begun, key=self._counts.__getitem__, default=typed[-1])
        return " ".join([*typed[:-1], best])

    def _distinct(
        self, targets: Iterable[int], limit: int, scores: dict[int, float] | None = None
    ) -> list[Suggestion]:
        out: list[Suggestion] = []
        seen: set[str] = set()
        for t_index in targets:
            if len(out) >= limit:
                break
            t = self.targets[t_index]
            shown = tidy(t.question)[:MAX_CHOICE]
            key = _key(shown)
            if key in seen or t.id in seen:
                continue
            seen.update((key, t.id))
            out.append(Suggestion(t.id, shown, (scores or {}).get(t_index, 0.0)))
        return out
