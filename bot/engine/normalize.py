"""Text normalisation: Discord noise out, one canonical spelling in.

Two stages, both pure:

* :func:`clean` turns raw Discord text into lowercase words (mentions, emoji, markdown,
  links, invisible characters removed; dashes and quotes folded). It needs no knowledge.
* :class:`Normalizer` then corrects typos against the knowledge's vocabulary and expands
  slang/abbreviations from ``synonyms.yaml``. Entries are normalised with the same object at
  build time, so a question and the phrasings it should match meet in the same form.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.knowledge.model import SynonymsFile

MAX_INPUT_CHARS = 6000
"""Only this much of a message is read, so the cost of one question is bounded."""

_MENTION = re.compile(r"<(?:@[!&]?|#)\d+>|@(?:everyone|here)\b")
_CUSTOM_EMOJI = re.compile(r"<a?:(\w+):\d+>")
_TIMESTAMP = re.compile(r"<t:\d+(?::[a-zA-Z])?>")
_SLASH_MENTION = re.compile(r"</([\w -]+):\d+>")
# Link text and target stop at the next bracket: "[[[[…" or "[a](((…" must scan in linear time
# (an unbounded [^\]]* retried from every "[" made 6,000 of them take 0.4 s).
_MD_LINK = re.compile(r"\[([^\[\]]*)\]\([^()\s]*\)")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_CODE_FENCE = re.compile(r"```(?:[a-zA-Z0-9_+-]*\n)?")
_MARKDOWN = re.compile(r"\*\*|__|~~|\|\||[`*_~]")
# [ \t], not \s: \s spans newlines, so 6,000 blank lines were rescanned from every line (1 s).
_QUOTE_LINE = re.compile(r"^[ \t]*>{1,3}[ \t]?", re.MULTILINE)
_HEADING = re.compile(r"^[ \t]*#{1,3}[ \t]+", re.MULTILINE)
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]"
)
_DASHES = dict.fromkeys(
    map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-"
)
_QUOTES = dict.fromkeys(
    map(ord, "\u2018\u2019\u201a\u201b\u2032\u02bc\uff07`´"), "'"
) | dict.fromkeys(map(ord, "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"), '"')
_TOKEN = re.compile(r"\$+|[^\W_]+(?:'[^\W_]+)*")
_DIGITS_SEP = re.compile(r"(?<=\d)[,.](?=\d{3}\b)")


_ASCII_SYMBOL = re.compile(r"[^A-Za-z0-9 $'\n]")


def _strip_symbols(text: str) -> str:
    """Drop emoji, symbols and combining marks (zalgo) — letters, digits, spaces and $ stay."""
    if text.isascii():  # most messages: the same rule without a lookup per character
        return _ASCII_SYMBOL.sub(" ", text)
    out: list[str] = []
    for ch in text:
        cat = unicodedata.category(ch)
        if cat[0] in "LN" or ch in " $'\n":
            out.append(ch)
        elif cat[0] == "M":
            continue  # combining marks: accents after NFKC, zalgo stacks
        else:
            out.append(" ")
    return "".join(out)


@lru_cache(maxsize=1024)
def clean(text: str) -> str:
    """Raw message -> lowercase words separated by single spaces (no knowledge needed).
    Memoised: one question is cleaned by the small-talk check, the ranking and the words."""
    text = text[:MAX_INPUT_CHARS]
    text = unicodedata.normalize("NFKC", text)
    text = _INVISIBLE.sub("", text)
    text = _TIMESTAMP.sub(" ", text)
    text = _SLASH_MENTION.sub(r" \1 ", text)
    text = _MENTION.sub(" ", text)
    text = _CUSTOM_EMOJI.sub(" ", text)
    text = _MD_LINK.sub(r" \1 ", text)
    text = _URL.sub(" ", text)
    text = _CODE_FENCE.sub(" ", text)
    text = _QUOTE_LINE.sub("", text)
    text = _HEADING.sub("", text)
    text = _MARKDOWN.sub(" ", text)
    text = text.translate(_DASHES).translate(_QUOTES)
    text = _DIGITS_SEP.sub("", text)
    text = text.casefold()
    # Accents: decompose, then _strip_symbols drops the marks ("café" -> "cafe").
    text = unicodedata.normalize("NFKD", text)
    text = _strip_symbols(text)
    return " ".join(t.replace("'", "") for t in _TOKEN.findall(text))


def tokens(text: str) -> list[str]:
    """Words of an already cleaned string."""
    return text.split()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A very light plural stemmer, enough to match 'receptionists' to 'receptionist'."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _phrase_key(text: str) -> tuple[str, ...]:
    return tuple(clean(text).split())


class Normalizer:
    """Typo correction against a vocabulary, then synonym expansion.

    ``vocabulary`` is every word the knowledge uses; a word of 4+ characters outside it is
    replaced by its closest vocabulary word when the similarity is at least ``typo_cutoff``,
    unless ``dictionary`` says it is a real word: "were" is not a typo of "where", nor
    "status" of "states" or "teach" of "tech", even when the knowledge never uses them.
    """

    def __init__(
        self,
        synonyms: SynonymsFile,
        vocabulary: Iterable[str],
        typo_cutoff: float = 82.0,
        dictionary: Iterable[str] = (),
    ) -> None:
        self.synonyms = synonyms
        self.dictionary = frozenset(dictionary)
        self.typo_cutoff = typo_cutoff
        self._replacements: dict[tuple[str, ...], tuple[str, ...]] = {}
        for key, value in synonyms.replacements.items():
            k = _phrase_key(key)
            if not k:
                k = tuple(t for t in key.strip().split() if t)
            if k:
                self._replacements[k] = tuple(clean(value).split())
        # Plurals of multi-word keys ("insurance agents") match through their stems.
        self._stem_replacements = {
            tuple(stem(w) for w in k): v for k, v in self._replacements.items() if len(k) > 1
        }
        self._max_phrase = max((len(k) for k in self._replacements), default=1)
        # Words (and stems) that can start a multi-word phrase: any other word is only ever
        # a one-word key, so expand() looks it up once instead of once per phrase length.
        self._phrase_starts = frozenset(k[0] for k in self._replacements if len(k) > 1)
        self._phrase_start_stems = frozenset(k[0] for k in self._stem_replacements)
        vocab: set[str] = set()
        for word in vocabulary:
            vocab.update(clean(word).split())
        for k, v in self._replacements.items():
            vocab.update(k)
            vocab.update(v)
        self.vocabulary = frozenset(vocab)
        # Typos are only corrected to real content words of 4+ characters.
        # Bucketed by first letter: typos rarely change it, and it keeps each lookup small.
        self._targets: dict[str, list[str]] = {}
        for w in sorted(vocab):
            if len(w) >= 4 and w.isalpha():
                self._targets.setdefault(w[0], []).append(w)
        self._typo_cache: dict[str, str] = {}
        self.stopwords = frozenset(w for s in synonyms.stopwords for w in clean(s).split())

    # ------------------------------------------------------------------ typos
    def correct(self, word: str) -> str:
        """The vocabulary word meant by ``word`` (itself if known, short or unmatched)."""
        if len(word) < 3 or word in self.vocabulary or not word.isalpha():
            return word
        if word in self.dictionary:
            return word
        cached = self._typo_cache.get(word)
        if cached is not None:
            return cached
        result = word
        if stem(word) in self.vocabulary:
            result = word
        elif len(word) == 3:
            # Chat spelling drops a letter ("mch", "tme", "wrk"): the one four-letter word
            # with the same first letter that is this word with a letter added, if only one.
            found = {
                w
                for w in self._targets.get(word[0], ())
                if len(w) == 4 and any(w[:i] + w[i + 1 :] == word for i in range(1, 4))
            }
            if len(found) == 1:
                result = found.pop()
        else:
            # Same first letter only: that also stops "learn" -> "earn".
            match = process.extractOne(
                word,
                self._targets.get(word[0], ()),
                scorer=fuzz.ratio,
                processor=None,
                score_cutoff=self.typo_cutoff,
            )
            if match is not None:
                result = str(match[0])
        if len(self._typo_cache) < 50_000:
            self._typo_cache[word] = result
        return result

    # ------------------------------------------------------------------ synonyms
    def expand(self, words: Sequence[str]) -> list[str]:
        """Replace synonym phrases, longest match first, left to right (one pass)."""
        out: list[str] = []
        i = 0
        n = len(words)
        stems: list[str] | None = None  # computed once, only if a multi-word key needs them
        while i < n:
            longest = min(self._max_phrase, n - i)
            if longest > 1 and words[i] not in self._phrase_starts:
                if stems is None:
                    stems = [stem(w) for w in words]
                if stems[i] not in self._phrase_start_stems:
                    longest = 1
            for size in range(longest, 0, -1):
                key = tuple(words[i : i + size])
                repl = self._replacements.get(key)
                if repl is None and size > 1:
                    if stems is None:
                        stems = [stem(w) for w in words]
                    repl = self._stem_replacements.get(tuple(stems[i : i + size]))
                if repl is not None:
                    out.extend(repl)
                    i += size
                    break
            else:
                out.append(words[i])
                i += 1
        return out

    def words(self, text: str, correct: bool = True) -> list[str]:
        """Cleaned, typo-corrected, synonym-expanded words of ``text`` (stopwords kept).

        ``correct=False`` for vocabulary the knowledge defines itself (career names, topic and
        out-of-scope words): those are never "corrected" into another word.
        """
        raw = clean(text).split()
        return self.expand([self.correct(w) for w in raw] if correct else raw)

    def normalise(self, text: str) -> str:
        """Canonical form of ``text``: the words joined by single spaces."""
        return " ".join(self.words(text))

    def content(self, words: Sequence[str]) -> list[str]:
        """``words`` without stopwords (what the ranking compares)."""
        return [w for w in words if w not in self.stopwords]
