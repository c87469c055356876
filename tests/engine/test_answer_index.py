"""Retrieval by what answers say (bot/engine/answerindex.py) and its place in the ranking."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from bot.engine import Engine
from bot.engine.answer import Outcome
from bot.engine.answerindex import AnswerIndex, name_words
from bot.engine.normalize import stem
from bot.engine.selftest import self_test
from bot.knowledge.loader import load_knowledge
from bot.render import to_text

from .conftest import FIXTURE, SHIPPED

EXTRA = """\
entries:
  - id: csr-dialer
    topic: tools
    question: Which phone systems do call centers run?
    # Enough phrasings to be a class of its own (with two, "what is Genesys" went either way
    # by 0.01 whenever the shipped synonyms changed).
    phrasings:
      - call center phone system
      - which dialer do call centers use
      - what software routes the calls at a call center
      - which phone platform will i be using as a rep
      - do reps use a special calling system
    answer: >-
      Most call centers run a cloud contact-center suite such as Genesys, which routes calls
      and records them. Customer service pay does not depend on the suite; the salary is the
      same whichever one a team uses.
    sources: [guide]
  - id: csr-headsets
    topic: tools
    question: What headset do customer service representatives wear?
    phrasings:
      - csr headset
      - best headset for call center work
    answer: A noise-cancelling headset with a good microphone; the employer usually provides it.
    sources: [guide]
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    root = tmp_path_factory.mktemp("answers") / "knowledge"
    shutil.copytree(FIXTURE, root)
    shutil.copy(SHIPPED / "synonyms.yaml", root / "synonyms.yaml")
    qa = root / "careers" / "customer-service-representative" / "qa" / "tools.yaml"
    qa.write_text(EXTRA, encoding="utf-8")
    return Engine(load_knowledge(root))


def test_name_words_are_capitalised_mid_sentence_or_alphanumeric() -> None:
    text = (
        "Often. Hubs are common in India and the Philippines, tools like Five9 and "
        "certifications issued by HDI.\n• Patience matters. It lists Burnout Risk. "
        "Burnout is common; burnout hurts."
    )
    names = name_words([text])
    assert {"india", "philippines", "five9", "hdi"} <= names
    # Sentence and bullet starts are not names; a Title Case label of a word mostly written
    # in lower case is not one either.
    assert not {"often", "patience", "hubs", "burnout"} & names


def _index() -> AnswerIndex:
    answers = [
        ["calls", "routed", "by", "genesys", "salary"],
        ["salary", "median", "figure"],
        ["salary", "team", "lead", "figure"],
        ["salary", "typing", "figure"],
    ]
    # Phrasings: docs 0-1 belong to target 1, doc 2 to target 2, doc 3 to target 3.
    phrase_postings = {
        "salary": np.asarray([0, 1], dtype=np.int64),
        "promotion": np.asarray([2], dtype=np.int64),
        "typing": np.asarray([3], dtype=np.int64),
    }
    doc_target = np.asarray([1, 1, 2, 3], dtype=np.int64)
    return AnswerIndex(answers, phrase_postings, doc_target, names={"genesys"})


def test_a_rare_name_in_one_answer_is_evidence_for_that_target_only() -> None:
    ev = _index().evidence([stem("genesys")])
    assert set(ev) == {0}
    assert ev[0] == pytest.approx(1.0)


def test_a_name_asked_with_words_the_answer_never_says_is_weak_evidence() -> None:
    index = _index()
    alone = index.evidence([stem("genesys")])[0]
    # "the population of Genesys": the answer names Genesys but says nothing of population
    # (unknown) nor of typing (another target's word).
    for other in ("population", "typing"):
        assert index.evidence([stem("genesys"), other]).get(0, 0.0) < 0.5 * alone
    # Everyday filler around the name changes nothing.
    assert index.evidence(["anyone", "here", "use", stem("genesys")])[0] == pytest.approx(alone)


def test_words_in_many_answers_or_in_phrasings_give_no_answer_evidence() -> None:
    index = _index()
    assert index.evidence(["salary"]) == {}  # in every answer
    assert index.evidence(["typing"]) == {}  # a phrasing already says it
    # An ordinary rare word counts, but far less than a name would.
    routed = index.evidence(["routed"])
    assert set(routed) == {0} and 0 < routed[0] < 0.5


def test_question_naming_a_word_only_an_answer_contains_finds_that_entry(engine: Engine) -> None:
    assert not any("genesys" in p for e in engine.kb.entries.values() for p in e.phrasings)
    for q in ["do csrs use genesys", "what is Genesys"]:
        a = engine.ask(q)
        assert a.outcome is Outcome.ANSWER, to_text(a)
        assert a.entry_id == "csr-dialer"


def test_common_answer_words_do_not_override_a_phrasing_match(engine: Engine) -> None:
    # csr-dialer's answer says "customer service pay" and "salary" too; the phrasing match wins.
    for q in ["customer service pay", "csr salary"]:
        a = engine.ask(q)
        assert a.outcome is Outcome.ANSWER and a.entry_id == "csr-pay", to_text(a)
    assert engine.ask("best headset for call center work").entry_id == "csr-headsets"


@pytest.mark.parametrize(
    "q",
    [
        "amazon customer service phone number",
        "genesys stock price",
        "how much do nurses make",
        "what is the capital of the philippines",
    ],
)
def test_near_misses_still_decline(engine: Engine, q: str) -> None:
    assert engine.ask(q).outcome is Outcome.DECLINE, to_text(engine.ask(q))


def test_a_typo_of_an_answer_word_among_gibberish_is_not_answered(engine: Engine) -> None:
    """ "genesis" is one letter from Genesys, which only csr-dialer's answer names; two words
    nobody uses beside it make it no confident question: at most a did-you-mean."""
    a = engine.ask("qwrtz plokm genesis")
    assert a.outcome in (Outcome.DECLINE, Outcome.UNSURE), to_text(a)


def test_decline_names_occupations_in_the_plural(engine: Engine) -> None:
    for q, said in [
        ("how much do nurses make", "about nurses."),
        ("nurse pay", "about nurses."),
        ("police officer salary", "about police officers."),
    ]:
        a = engine.ask(q)
        assert a.outcome is Outcome.DECLINE
        assert said in a.body, a.body


def test_self_test_reports_a_repeated_text_once(tmp_path: Path) -> None:
    root = tmp_path / "knowledge"
    shutil.copytree(FIXTURE, root)
    shutil.copy(SHIPPED / "synonyms.yaml", root / "synonyms.yaml")
    # A copy of csr-pay whose question is also one of its phrasings: every text collides
    # with csr-pay, and the repeated one must be reported once.
    clash = """\
entries:
  - id: csr-pay-again
    topic: salary
    question: csr salary
    phrasings:
      - csr salary
      - CSR salary!
      - how much does a customer service rep make
    answer: The same as csr-pay.
    sources: [profile]
"""
    qa = root / "careers" / "customer-service-representative" / "qa" / "zz-clash.yaml"
    qa.write_text(clash, encoding="utf-8")
    problems = [p.message for p in self_test(load_knowledge(root))]
    mine = [m for m in problems if m.startswith("csr-pay-again:")]
    assert mine, problems
    assert sum("'csr salary'" in m for m in mine) + sum("'CSR salary!'" in m for m in mine) <= 1
    assert len(mine) == len(set(mine))
