"""The shape of a message before any knowledge is involved: small talk, junk, and the question
part of a long "story, then question" message."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.engine.normalize import clean

_CORE = frozenset(
    [
        "hi",
        "hello",
        "hey",
        "heya",
        "hiya",
        "yo",
        "sup",
        "howdy",
        "greetings",
        "thanks",
        "thank",
        "thx",
        "ty",
        "tysm",
        "tyvm",
        "thankyou",
        "cheers",
        "lol",
        "lmao",
        "lmfao",
        "rofl",
        "haha",
        "hahaha",
        "hehe",
        "xd",
        "ok",
        "okay",
        "kk",
        "cool",
        "nice",
        "awesome",
        "great",
        "bye",
        "goodbye",
        "cya",
        "gm",
        "gn",
        "morning",
        "evening",
        "night",
        "afternoon",
        "np",
        "welcome",
        "wow",
        "ah",
        "oh",
        "hmm",
        "yay",
        "gg",
        "appreciated",
        "appreciate",
    ]
)
_FILLER = frozenset(
    [
        "you",
        "u",
        "so",
        "much",
        "very",
        "bot",
        "careerbot",
        "everyone",
        "all",
        "guys",
        "there",
        "again",
        "good",
        "yes",
        "no",
        "yeah",
        "yep",
        "nope",
        "nah",
        "please",
        "a",
        "lot",
        "the",
        "man",
        "dude",
        "bro",
        "friend",
        "folks",
        "team",
        "its",
        "it",
        "that",
        "was",
        "is",
        "this",
        "mate",
        "for",
        "help",
        "and",
        "your",
        "have",
        "day",
        "today",
        "tonight",
        "great",
        "nice",
        "ur",
        "youre",
        "are",
        "r",
        "really",
        "best",
    ]
)
_GREETING = re.compile(
    r"\b(?:how (?:are|r) (?:you|u|ya)(?: doing)?|how(?:'s| is|s) it going|what(?:'s| is|s) up"
    r"|wh?at ?up|wassup|how you doing)\b"
)
"""Greetings of more than one word, each read as one greeting word ("hey how are you today")."""
_REPEATS = re.compile(r"(.)\1{2,}")
_SENTENCE = re.compile(r"(?<=[.!?\n])\s+|\n+")
_QUESTION_START = frozenset(
    [
        "how",
        "what",
        "why",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "whose",
        "can",
        "could",
        "should",
        "would",
        "will",
        "is",
        "are",
        "do",
        "does",
        "did",
        "any",
        "anyone",
        "has",
        "have",
        "was",
        "were",
        "am",
        # as members type them: "what's" and "whats" are cleaned to "whats"
        "whats",
        "wats",
        "wat",
        "hows",
        "whys",
        "wheres",
        "whens",
        "whos",
    ]
)


def _squeeze(word: str) -> str:
    """ "heyyy" -> "hey", "thaaanks" -> "thanks", "hahaha" stays."""
    if word in _CORE:
        return word
    short = _REPEATS.sub(r"\1", word)
    return short if short in _CORE else _REPEATS.sub(r"\1\1", word)


def is_smalltalk(text: str) -> bool:
    """A greeting, thanks, laughter or acknowledgement and nothing else."""
    if len(text) > 120:
        return False  # small talk is short; never clean a long message only to find out
    words = [_squeeze(w) for w in _GREETING.sub("hi", clean(text)).split()]
    if not words or len(words) > 8:
        return False
    return any(w in _CORE for w in words) and all(w in _CORE or w in _FILLER for w in words)


def is_junk(cleaned: str) -> bool:
    """No word with a letter at all ("$", "!!! $ !!!", "2 2"): nothing to answer.
    ``cleaned``: the message after :func:`bot.engine.normalize.clean`."""
    return not any(c.isalpha() for c in cleaned)


def question_part(text: str) -> str | None:
    """The question of a message that tells a story first; None for a short message."""
    text = text[:6000]
    if len(text.split()) < 14:
        return None
    sentences = [str(s).strip() for s in _SENTENCE.split(text) if s and str(s).strip()]
    if len(sentences) < 2:
        return None
    for s in reversed(sentences[-6:]):
        words = clean(s[:300]).split()
        if not words:
            continue
        if s.rstrip().endswith("?") or words[0] in _QUESTION_START:
            return s
    return None


_BACK = frozenset({"that", "thats", "it", "its", "this", "those", "these", "them"})


def refers_back(words: Sequence[str]) -> bool:
    """Whether a question part points back at the story before it ("how long does that
    take?", "how do i become one of those?"): what it asks is said there."""
    return any(w in _BACK for w in words)
