"""The shape of a message before any knowledge is involved: small talk, junk, and the question
part of a long "story, then question" message."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.engine.normalize import clean

_HELLOS = ("hi", "hello", "hey", "heya", "hiya", "yo", "sup", "howdy", "greetings", "gm")
"""One-word greetings: small talk alone, a lead-in before a question."""
_CORE = frozenset(
    [
        *_HELLOS,
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
    r"|wh?at ?up|wassup|hru|how you doing|how (?:have|ve) (?:you|u) been"
    r"|how(?:'s| is|s| was) (?:your|ur|ya) (?:day|week|weekend|morning|evening|night)"
    r"(?: going| been)?)\b"
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

_AUDIENCE = (
    r"(?:all|guys|everyone|everybody|folks|team|there|yall|people|fam|chat|friends|peeps"
    r"|gang|bot|careerbot|all of you|you all|you guys|u guys)"
)
_LEAD_IN = re.compile(
    "|".join(
        [
            # greetings and interjections ("hey guys", "ok so", "good morning all")
            rf"(?:{'|'.join(_HELLOS)}|good (?:morning|evening|afternoon))(?: {_AUDIENCE})?",
            r"ok|okay|so|um+|uh+|hm+|oh|ah|alright|anyway|anyways|btw",
            # "quick question", "a dumb question for you guys but", "question:"
            r"(?:(?:a|one|my|i have a|i got a|got a|just a|this is a|probably a|maybe a) )?"
            r"(?:(?:quick|random|dumb|stupid|silly|noob|newbie|honest|serious|simple|basic|weird"
            r"|genuine|real|general|small|odd|probably|possibly|maybe) )*q(?:uestion)?"
            rf"(?: (?:for|to) (?:you|u|{_AUDIENCE}|anyone|the group|the server))?"
            r"(?: (?:but|though|here))?",
            # "sorry if this is a dumb question but"
            r"sorry(?: (?:if|for|in advance|to bother|to ask))*(?: (?:this is|its|it is))?"
            r"(?: (?:a|the|such a))?(?: (?:dumb|stupid|silly|noob|newbie|basic|obvious|weird))*"
            r"(?: question)?(?: but)?",
            r"(?:i was |im |i am |was |just |ive been |been )?wondering(?: (?:if|whether|about))?",
            # "can someone tell me", "could you explain", "do you guys know if"
            r"(?:can|could|would|will) (?:someone|somebody|anyone|anybody|you|u|ya|yall|you guys"
            r"|u guys)(?: please| pls| plz)? (?:tell|explain|remind|answer|help)"
            r"(?: me| to me| this| out)?",
            r"(?:does|do|dose) (?:anyone|anybody|someone|somebody|yall|you|u|you guys|u guys"
            r"|any of you)(?: here)? know(?: if| whether)?",
            r"(?:anyone|anybody)(?: here)? know(?: if| whether)?",
            r"(?:just )?curious(?: about| if| whether| to know)?",
            r"(?:may|can) i (?:know|ask)(?: you)?(?: something| a question)?(?: if| whether)?",
            r"i (?:need|want|wanted|wanna|would like|d like) to (?:know|ask)(?: you)?"
            r"(?: if| whether| about)?",
            r"hope (?:you|u|ur|youre|you are|everyone is|everyones|yall are|you all are|all are)"
            r"(?: all)?(?: doing)? (?:well|good|ok|okay|fine)",
            r"not sure if this is the right (?:channel|place|spot|server)(?: for this| to ask)?"
            r"(?: but)?",
            r"(?:first time posting|long time lurker|new here)(?: here)?(?: but| so)?",
            r"(?:kindly|please|pls|plz) (?:tell|explain|let me know)(?: me)?",
            r"ngl|tbh|real talk|fr|lowkey|genuinely|seriously|basically",
        ]
    )
)
_LEAD_INS = re.compile(rf"(?:(?:{_LEAD_IN.pattern}) )+")


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
    if _LEAD_INS.fullmatch(" ".join(words) + " "):
        return True  # only the words before a question: "hey guys, i have a question"
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


def strip_lead_in(cleaned: str) -> str:
    """``cleaned`` (see :func:`bot.engine.normalize.clean`) without the words members put
    before what they ask ("hey guys quick question, what is a csr", "sorry if this is dumb
    but", "does anyone know if"): they say nothing about what is asked, yet in a short
    message they outweighed it (0.93 for "what is a csr" -> declined with "quick question"
    before it). Kept whole when fewer than two words would be left."""
    m = _LEAD_INS.match(cleaned + " ")
    if m is None:
        return cleaned
    rest = cleaned[m.end() :]
    return rest if len(rest.split()) >= 2 else cleaned
