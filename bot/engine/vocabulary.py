"""The normaliser's typo vocabulary: the words a knowledge folder uses, so that "custmer
salery" is corrected to words the knowledge knows. Pure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from rapidfuzz import fuzz, process

from bot.engine.fact_targets import FACT_TEMPLATES, plural
from bot.engine.normalize import clean
from bot.knowledge.base import KnowledgeBase

TYPO_RATIO = 5
TYPO_CUTOFF = 82.0
"""The normaliser's typo cutoff (bot/engine/normalize.py)."""


def typo_vocabulary(kb: KnowledgeBase) -> list[str]:
    """Texts whose words the normaliser corrects typos towards: questions and answers,
    career names, synonyms, list items, the fact phrasings' templates, and the phrasings'
    words less their own misspellings."""
    words: list[str] = []
    for entry in kb.entries.values():
        words += [entry.question, entry.answer]
    for slug, ck in kb.careers.items():
        c = ck.career
        words += [c.name, c.plural or plural(c.name), *c.aliases, slug.replace("-", " ")]
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
    return words + _phrasing_words(kb, words)


def _phrasing_words(kb: KnowledgeBase, known: Sequence[str]) -> list[str]:
    """The phrasings' words for the typo vocabulary, less their misspellings: phrasings keep
    members' typos on purpose ("custmer"), and a typo in the vocabulary is never corrected.
    A word counts as a misspelling of a word at least ``TYPO_RATIO`` times as common (same
    first letter, as similar as the normaliser's cutoff)."""
    counts: dict[str, int] = defaultdict(int)
    for text in known:
        for w in clean(text).split():
            counts[w] += 1
    base = set(counts)
    own: dict[str, int] = defaultdict(int)
    for entry in kb.entries.values():
        for text in entry.phrasings:
            for w in clean(text).split():
                own[w] += 1
                counts[w] += 1
    by_letter: dict[str, list[str]] = defaultdict(list)
    for w in counts:
        if len(w) >= 4 and w.isalpha():
            by_letter[w[0]].append(w)
    kept: list[str] = []
    for w, n in own.items():
        if w in base or len(w) < 4 or not w.isalpha():
            kept.append(w)
            continue
        common = [v for v in by_letter[w[0]] if counts[v] >= TYPO_RATIO * n and v != w]
        hit = process.extractOne(w, common, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF)
        if hit is None:
            kept.append(w)
    return kept
