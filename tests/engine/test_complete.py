"""Autocomplete (bot/engine/complete.py): how people start questions gets relevant choices,
never the same choice twice, in grammatical English, with bounded work."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from bot.engine import Engine
from bot.engine.complete import MAX_EXAMINED, Completer, tidy
from bot.knowledge.model import Level, Topic

PREFIXES = [
    "how much",
    "how much do",
    "how much do tellers",
    "what",
    "how do i",
    "can i",
    "teller",
    "recep",
    "salar",
    "entry lev",
]
BAD_ARTICLE = re.compile(r"\b[Aa] (?:[aeio]|entry level)")


def relevant(typed: str, choice: str) -> bool:
    """Does ``choice`` continue what was typed? (The rule the issue was measured with.)"""
    c = choice.casefold()
    if typed in ("teller", "how much do tellers"):
        return "teller" in c and (
            typed == "teller" or re.search(r"earn|pay|make|salar", c) is not None
        )
    if typed == "recep":
        return "reception" in c
    if typed == "entry lev":
        return "entry-level" in c or "entry level" in c
    if typed == "salar":
        return re.search(r"salar|pay|earn|make", c) is not None
    head, _, last = typed.rpartition(" ")
    return c.startswith(f"{head} {last}".strip()) or c.startswith(f"{head} {last[:2]}".strip())


def check_choices(typed: str, names: list[str]) -> None:
    good = [n for n in names if relevant(typed, n)]
    assert len(good) >= 3, (typed, names)
    assert relevant(typed, names[0]), (typed, names)
    assert len({n.casefold() for n in names}) == len(names), names
    bad = [n for n in names if BAD_ARTICLE.search(n)]
    assert not bad, bad
    assert all(1 <= len(n) <= 100 for n in names)


@pytest.mark.parametrize("typed", PREFIXES)
def test_how_people_start_questions_gets_relevant_choices(
    shipped_engine: Engine, typed: str
) -> None:
    choices = shipped_engine.complete(typed, 25)
    check_choices(typed, [c.question for c in choices])
    ids = [c.entry_id for c in choices]
    assert len(set(ids)) == len(ids)
    for c in choices:  # every choice can be opened
        assert shipped_engine.answer_entry(c.entry_id) is not None, c


def test_a_named_career_comes_first(shipped_engine: Engine) -> None:
    for typed, slug in [("how much do tellers", "teller"), ("recep", "receptionist")]:
        first = shipped_engine.complete(typed, 25)[:3]
        answers = [shipped_engine.answer_entry(c.entry_id) for c in first]
        assert all(a is not None and slug in (a.entry_id or "") for a in answers), first


def test_empty_text_lists_the_default_careers_questions(shipped_engine: Engine) -> None:
    choices = shipped_engine.complete("", 25)
    assert len(choices) == 25
    kb = shipped_engine.kb
    assert all(
        kb.entry_career[c.entry_id] == shipped_engine.settings.default_career for c in choices
    )


def test_typos_still_get_the_engines_guesses(shipped_engine: Engine) -> None:
    guessed = shipped_engine.complete("salery", 25)
    assert guessed and relevant("salar", guessed[0].question), guessed
    assert len(shipped_engine.complete("   ", 5)) == 5


@pytest.mark.parametrize(
    ("typed", "topic"),
    [("csr sal", "salary"), ("how do i get prom", "advancement"), ("entry lev", "entry")],
)
def test_an_unfinished_last_word_still_completes(
    shipped_engine: Engine, typed: str, topic: str
) -> None:
    """``topic``: the first choice's topic, or its level ("entry lev": pay or duties at the
    entry level are both what the words say)."""
    finished = typed.rsplit(" ", 1)[0]
    choices = shipped_engine.complete(typed)
    assert choices, typed
    assert len(choices) <= 25
    assert all(len(c.question) <= 100 for c in choices)
    top = shipped_engine.kb.entries.get(choices[0].entry_id)
    assert top is not None, (typed, choices[0])
    assert topic in (top.topic, top.level.value if top.level else None), (typed, choices[0])
    # The finished prefix alone does not already give this: completing the word is what helps.
    assert [c.entry_id for c in choices] != [c.entry_id for c in shipped_engine.complete(finished)]


def test_a_known_or_finished_last_word_is_left_as_typed(shipped_engine: Engine) -> None:
    assert shipped_engine.complete("csr salary ") == shipped_engine.complete("csr salary")
    completer = shipped_engine._completer
    # Nothing in the knowledge starts with this: no guess is made and nothing raises.
    assert completer._finished(["csr", "qzxv"], True) == "csr qzxv"
    assert completer._finished(["csr", "sal"], True) == "csr salary"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (
            "How much does a entry level customer service representative earn?",
            "How much does an entry-level customer service representative earn?",
        ),
        ("What does a information clerk do?", "What does an information clerk do?"),
        ("Is a insurance sales agent paid well?", "Is an insurance sales agent paid well?"),
        ("A hour a day", "An hour a day"),
        ("Is a university degree needed?", "Is a university degree needed?"),
        ("What does a mid level CSR earn?", "What does a mid-level CSR earn?"),
        ("What is entry level?", "What is entry level?"),
        ("Be a user", "Be a user"),
    ],
)
def test_tidy_fixes_articles_and_level_adjectives(raw: str, shown: str) -> None:
    assert tidy(raw) == shown


@dataclass(frozen=True)
class FakeTarget:
    id: str
    career: str
    topic: Topic
    level: Level | None
    question: str
    is_fact: bool


def test_work_is_bounded_however_large_the_knowledge(shipped_engine: Engine) -> None:
    kb = shipped_engine.kb
    default = shipped_engine.settings.default_career
    many = [
        FakeTarget(f"syn-{i}", default, Topic.SALARY, None, f"What about thing {i}?", False)
        for i in range(3 * MAX_EXAMINED)
    ]
    ranked: list[str] = []

    def rank(text: str) -> list[tuple[int, float]]:
        ranked.append(text)
        return []

    completer = Completer(kb, many, default, careers_named=lambda text: [], rank=rank)
    choices = completer.complete("what abo", 25)
    assert len(choices) == 25
    assert completer.examined == MAX_EXAMINED  # stopped, although 6,000 documents match
    completer.complete("qqqq", 25)
    assert completer.examined == 0  # nothing begins with it: nothing looked at
    assert ranked == ["what about", "qqqq"]  # one engine ranking per keystroke
