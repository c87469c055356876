"""Detectors: which career, level and topic a normalised question is about, and whether it
names an occupation the knowledge does not cover."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.engine.message import refers_back
from bot.engine.normalize import Normalizer, stem
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.model import Level, Topic

Phrase = tuple[str, ...]

# Years of experience, not "in 10 years": the number follows have/for/with/been/this or is
# followed by "experience".
_YEARS = re.compile(
    r"\b(?:(?:have|had|for|with|been|this|after|got)\s+(?:about\s+|like\s+|almost\s+|over\s+)?"
    r"(\d{1,2})\s*\+?\s*(?:years?|yrs?)\b|(\d{1,2})\s*\+?\s*(?:years?|yrs?)\s+(?:of\s+)?experience)"
)
_HOW_MUCH = re.compile(
    r"\bhow much (?:do|does|did|can|could|would|will|should|are|is) (?:an? |the )?"
    r"((?:[a-z0-9]+ ){1,4}?)(?:typically |usually |really |actually )?(?:salary|get salary)\b"
)
_PEOPLE = frozenset(
    [
        "you",
        "i",
        "we",
        "they",
        "he",
        "she",
        "people",
        "person",
        "someone",
        "workers",
        "worker",
        "employees",
        "employee",
        "staff",
        "folks",
        "guys",
        "ones",
        "beginners",
        "beginner",
        "newbies",
        "typically",
        "usually",
        "really",
        "actually",
        "all",
        "most",
        "average",
        "starting",
        "new",
        "hourly",
        "annual",
        "year",
        "years",
        "hour",
        "per",
        "full",
        "part",
        "time",
    ]
)


_GENERIC_TOPICS = frozenset({"definitions", "duties", "overview"})
_ROLE_WORDS = frozenset({"representative", "specialist", "agent", "clerk", "associate"})


@dataclass(frozen=True, slots=True)
class Understanding:
    career: str | None
    """Slug of the career the question names (None: none named)."""
    level: Level | None
    topic: Topic | None
    out_of_scope: str | None
    """The occupation named that the knowledge does not cover, if any."""
    careers: tuple[str, ...] = ()
    """Every career named, in order (two or more: a comparison)."""
    level_from_years: bool = False
    """The level is the member's own, said as years of experience ("7 yrs in")."""


def _stems(words: Iterable[str]) -> Phrase:
    return tuple(stem(w) for w in words)


def title_keys(parts: Iterable[Phrase]) -> list[Phrase]:
    """The job titles of one title line split at "/", "," and "or": a one-word part shares
    the words before it ("Customer Success Manager / Specialist" is "customer success
    specialist"; "specialist" alone would make any specialist a manager)."""
    out: list[Phrase] = []
    for key in parts:
        if not key:
            continue
        if len(key) == 1 and out and len(out[-1]) > 1:
            key = out[-1][:-1] + key
        out.append(key)
    return out


class PhraseMap:
    """Phrases (tuples of stems) -> value, with a first-word filter so a scan is cheap."""

    def __init__(self) -> None:
        self.phrases: dict[Phrase, str] = {}
        self.sizes: dict[str, list[int]] = {}

    def add(self, key: Phrase, value: str, overwrite: bool = False) -> None:
        if not key or (key in self.phrases and not overwrite):
            return
        self.phrases[key] = value
        sizes = self.sizes.setdefault(key[0], [])
        if len(key) not in sizes:
            sizes.append(len(key))
            sizes.sort(reverse=True)

    def __contains__(self, key: object) -> bool:
        return key in self.phrases

    def words(self) -> frozenset[str]:
        return frozenset(w for p in self.phrases for w in p)

    def find(self, words: Phrase) -> list[tuple[int, int, str]]:
        """Occurrences (start, length, value), longest first at each position, no overlap."""
        found: list[tuple[int, int, str]] = []
        n = len(words)
        i = 0
        while i < n:
            sizes = self.sizes.get(words[i])
            step = 1
            if sizes:
                for size in sizes:
                    if i + size <= n:
                        value = self.phrases.get(words[i : i + size])
                        if value is not None:
                            found.append((i, size, value))
                            step = size
                            break
            i += step
        return found


class Detector:
    """Built once per knowledge base; :meth:`understand` is cheap."""

    def __init__(self, kb: KnowledgeBase, normalizer: Normalizer) -> None:
        self.kb = kb
        self.norm = normalizer
        syn = kb.synonyms
        self.career_phrases = PhraseMap()
        # The names that only say *who* (stripped before ranking); an alias like "call center"
        # also says *where* and stays in the ranked text.
        self.strip_phrases = PhraseMap()
        for slug, ck in kb.careers.items():
            c = ck.career
            own = self._key(c.name)
            for name in [c.name, c.plural or "", *c.aliases, slug.replace("-", " ")]:
                key = self._key(name)
                self.career_phrases.add(key, slug)
                if key and own and (key[-1] in _ROLE_WORDS or key[-1] == own[-1]):
                    self.strip_phrases.add(key, slug)
                # "customer service", "insurance sales", "computer support": the field's name
                # without the role word is how people usually say it.
                if len(key) >= 3 and key[-1] in _ROLE_WORDS:
                    self.career_phrases.add(key[:-1], slug)
                    if name in (c.name, c.plural):
                        self.strip_phrases.add(key[:-1], slug)
        self.career_words = self.career_phrases.words()
        self.oos_phrases = PhraseMap()
        self.off_topic_phrases = PhraseMap()
        for occ in syn.out_of_scope:
            key = self._key(occ)
            if key not in self.career_phrases:
                self.oos_phrases.add(key, occ)
        for phrase in syn.off_topic:
            self.off_topic_phrases.add(self._key(phrase), phrase)
        self.level_phrases = PhraseMap()
        for level, words in syn.levels.items():
            for w in words:
                self.level_phrases.add(self._key(w), level.value)
        self.topic_phrases = PhraseMap()
        for topic, words in syn.topics.items():
            for w in words:
                self.topic_phrases.add(self._key(w), topic.value)
        # Job titles of each level ("Customer Support Specialist" is mid level), unless the
        # title is the career's own name.
        names = {
            self._key(n)
            for ck in kb.careers.values()
            for n in (ck.career.name, ck.career.plural)
            if n
        }
        for ck in kb.careers.values():
            for lv in ck.levels:
                for title in lv.titles:
                    for key in title_keys(self._key(p) for p in re.split(r"[/,]| or ", title)):
                        if key not in names:
                            self.level_phrases.add(key, lv.level.value)
        self.level_words = self.level_phrases.words()
        self.topic_words = self.topic_phrases.words()

    def _key(self, text: str) -> Phrase:
        return _stems(self.norm.words(text, correct=False))

    # ------------------------------------------------------------------ detectors
    def careers(self, words: Sequence[str], stems: Phrase | None = None) -> list[str]:
        """Careers named, in order of appearance (``stems``: the words' stems, if known)."""
        hits = self.career_phrases.find(_stems(words) if stems is None else stems)
        out: list[str] = []
        for _, _, slug in hits:
            if slug not in out:
                out.append(slug)
        return out

    def strip_careers(self, words: Sequence[str]) -> list[str]:
        """``words`` without the career names in them (the career is matched separately)."""
        stems = _stems(words)
        drop: set[int] = set()
        for start, size, _ in self.career_phrases.find(stems):
            end = start + size
            if end < len(stems) and stems[end] in _ROLE_WORDS:
                end += 1  # "customer support" + "representative": a name after all
            elif stems[start:end] not in self.strip_phrases:
                continue  # "call center" alone says where, not who
            drop.update(range(start, end))
        return [w for i, w in enumerate(words) if i not in drop]

    def strip_occupations(self, words: Sequence[str]) -> list[str]:
        """``words`` without the occupations the knowledge does not cover ("im a cashier at
        walmart, can i become a csr": the member's background, when a career is named)."""
        drop: set[int] = set()
        for start, size, _ in self.oos_phrases.find(_stems(words)):
            drop.update(range(start, start + size))
        return [w for i, w in enumerate(words) if i not in drop]

    def out_of_scope(
        self,
        words: Sequence[str],
        careers: Sequence[str],
        stems: Phrase | None = None,
        part_words: Sequence[str] | None = None,
    ) -> str | None:
        """What the message asks about that the knowledge does not cover, if anything: an
        off-topic phrase (looked for in ``part_words`` when given: the question part of
        a long message), else another occupation (there too, unless the question part points
        back at the story) or "how much do <unknown> make"."""
        stems = _stems(words) if stems is None else stems
        part_stems = stems if part_words is None else _stems(part_words)
        off = self.off_topic_phrases.find(part_stems)
        if off:
            return min(off)[2]
        # So is an occupation: "teacher switching careers into customer experience. any
        # online courses?" tells who asks, unless the question points back at it.
        back = part_words is None or refers_back(part_words)
        hits = self.oos_phrases.find(stems if back else part_stems)
        if hits and not careers:
            return min(hits)[2]
        if careers:
            return None
        match = _HOW_MUCH.search(" ".join(words))
        if match:
            noun = [stem(w) for w in match.group(1).split()]
            allowed = self.level_words | self.topic_words | self.norm.stopwords | _PEOPLE
            unknown = [w for w in noun if w not in allowed and w not in self.career_words]
            if unknown:
                return " ".join(match.group(1).split())
        return None

    def level(
        self, words: Sequence[str], career: str | None, stems: Phrase | None = None
    ) -> tuple[Level | None, bool]:
        """The level asked about, and whether it was said as years of experience (the
        member's own level, "7 yrs in") rather than named."""
        years = _YEARS.search(" ".join(words))
        if years:
            return self._level_for_years(int(years.group(1) or years.group(2)), career), True
        hits = self.level_phrases.find(_stems(words) if stems is None else stems)
        if not hits:
            return None, False
        # The longest phrase wins ("team lead" -> manager over "lead" -> senior).
        best = max(hits, key=lambda h: (h[1], -h[0]))
        return Level(best[2]), False

    def _level_for_years(self, years: int, career: str | None) -> Level:
        ck = self.kb.careers.get(career or "")
        if ck is not None:
            for lv in ck.levels:
                lo = lv.min_years if lv.min_years is not None else 0.0
                hi = lv.max_years if lv.max_years is not None else 99.0
                if lo <= years <= hi and lv.level is not Level.MANAGER:
                    return lv.level
        if years < 2:
            return Level.ENTRY
        if years < 5:
            return Level.MID
        return Level.SENIOR

    def topic(self, words: Sequence[str], stems: Phrase | None = None) -> Topic | None:
        hits = self.topic_phrases.find(_stems(words) if stems is None else stems)
        if not hits:
            return None
        weight: dict[str, float] = {}
        for _, size, value in hits:
            # "what is"/"what does" start most questions: a weak signal next to "salary".
            factor = 0.4 if value in _GENERIC_TOPICS else 1.0
            weight[value] = weight.get(value, 0.0) + size * factor
        best = max(weight.items(), key=lambda kv: kv[1])
        return Topic(best[0])

    def understand(
        self,
        words: Sequence[str],
        default_career: str | None,
        part_words: Sequence[str] | None = None,
    ) -> Understanding:
        """The slots of a message (``part_words``: its question part, when it tells a story
        first)."""
        stems = _stems(words)  # once for every detector
        careers = self.careers(words, stems)
        if part_words is not None and len(careers) > 1:
            # "i'm a csr moving into IT support. what schooling do computer support
            # specialists need?": the career the question names is the one asked about.
            asked = [c for c in self.careers(part_words) if c in careers]
            careers = asked + [c for c in careers if c not in asked]
        career = careers[0] if careers else None
        oos = self.out_of_scope(words, careers, stems, part_words)
        level, from_years = self.level(words, career or default_career, stems)
        topic = self.topic(words, stems)
        return Understanding(career, level, topic, oos, tuple(careers), from_years)
