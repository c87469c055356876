"""The nearest phrasings' second opinion (bot/engine/neighbours.py), the answer threshold for
a top they dispute (bot/engine/calibrate.py) and how the engine uses both — with a tiny fake
embedding model."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pytest

from bot.engine import Engine
from bot.engine.calibrate import Outcome as Held
from bot.engine.calibrate import fit_thresholds
from bot.engine.classifier import QueryText, TextFeatures
from bot.engine.neighbours import NearestPhrasings
from bot.engine.targets import Ranked
from bot.knowledge.base import KnowledgeBase
from tests.engine.test_learned import DECLINED, LEARNED, FakeEmbedder

PHRASINGS = {
    0: ["how do i get a refund", "refund my order please", "money back for my order"],
    1: ["i forgot my password", "reset my password", "cannot log in to my account"],
    2: ["where is my delivery", "my parcel has not arrived", "track my delivery"],
}


def _q(text: str) -> QueryText:
    return QueryText(text, text)


def _fitted() -> tuple[TextFeatures, FakeEmbedder, NearestPhrasings]:
    texts = [_q(t) for c in sorted(PHRASINGS) for t in PHRASINGS[c]]
    y = np.repeat(np.arange(3), 3).astype(np.int64)
    e = FakeEmbedder()
    f = TextFeatures(texts, e)
    n_word = len(f.word.idf)
    near = NearestPhrasings(n_word, n_word + len(f.char.idf))
    # Unsorted classes on purpose: fit groups the phrasings by class itself.
    order = np.asarray([4, 0, 8, 2, 6, 1, 3, 7, 5])
    return f, e, near.fit(f.transform(texts, e)[order], y[order])


def test_the_nearest_phrasings_class_comes_first() -> None:
    f, e, near = _fitted()
    for text, want in [
        ("refund for my order", 0),
        ("pasword reset", 1),  # a typo: the character n-grams still find it
        ("has my parcel arrived", 2),
    ]:
        rows = f.rows([_q(text)], e)
        assert rows.embeddings is not None
        cols, vals = rows.ngrams[0]
        top = near.top(cols, vals, rows.embeddings[0], 2)
        assert len(top) == 2 and top[0] == want, (text, top)


def test_asking_one_question_finds_what_the_batch_finds() -> None:
    """``top`` (one question, at ask time) and ``top_many`` (cross-validation) agree."""
    f, e, near = _fitted()
    asked = [_q(t) for t in ("refund please", "log in", "delivery where", "nothing like it")]
    many = near.top_many(f.transform(asked, e), 3)
    rows = f.rows(asked, e)
    assert rows.embeddings is not None
    for i, (cols, vals) in enumerate(rows.ngrams):
        assert near.top(cols, vals, rows.embeddings[i], 3) == many[i].tolist()
    assert sorted(many[0].tolist()) == [0, 1, 2]  # k of the classes, each once


def test_a_disputed_top_is_answered_only_from_a_higher_threshold() -> None:
    """Where the nearest phrasings agree, answers at 0.5 are right; where they point
    elsewhere, half the answers at 0.5 are wrong: answering those does not pay."""
    sure = [Held(0.9, True, True, False)] * 200
    agreed = [Held(0.5, True, True, False)] * 40
    disputed = [Held(0.5, True, True, False, agreed=False)] * 20
    disputed += [Held(0.5, False, True, False, agreed=False)] * 20
    fitted = fit_thresholds(sure + agreed + disputed)
    assert fitted.answer <= 0.5 < fitted.held


def test_without_disputes_both_answer_thresholds_are_one() -> None:
    held = [Held(0.9, True, True, False)] * 50 + [Held(0.4, False, True, False)] * 10
    fitted = fit_thresholds(held)
    assert fitted.held == fitted.answer


def test_agreement_never_lowers_the_answer_threshold() -> None:
    """Agreement in cross-validation is optimistic (a phrasing's near copy is often in another
    fold): the threshold of agreeing tops stays the one fitted on every prediction."""
    band = [Held(0.3, True, True, False)] * 30 + [Held(0.3, False, True, False)] * 30
    plain = fit_thresholds([Held(0.9, True, True, False)] * 100 + band)
    marked = [dataclasses.replace(h, agreed=h.right) for h in band]
    split = fit_thresholds([Held(0.9, True, True, False)] * 100 + marked)
    assert split.answer == plain.answer
    assert split.held >= split.answer


@pytest.fixture
def learned(fixture_kb: KnowledgeBase) -> Engine:
    kb = dataclasses.replace(fixture_kb, decline=DECLINED)
    return Engine(kb, LEARNED, embedder=FakeEmbedder())


def test_the_engine_answers_a_disputed_top_only_from_the_held_threshold(learned: Engine) -> None:
    assert learned.model is not None
    report = learned.model.report
    assert learned.held_threshold >= learned.answer_threshold
    assert report.held_threshold == learned.model.thresholds.held
    learned.answer_threshold, learned.held_threshold = 0.3, 0.6
    assert learned._answers(Ranked(0, 0.45))
    assert not learned._answers(Ranked(0, 0.45, agreed=False))
    assert learned._answers(Ranked(0, 0.6, agreed=False))
    assert not learned._answers(Ranked(0, 0.29))


def test_a_disputed_question_gets_did_you_mean_not_an_answer(learned: Engine) -> None:
    """The classifier's pick, when the nearest phrasings point elsewhere and it is below the
    held threshold, is offered (first of the suggestions), not answered."""
    question = "how much do customer service representatives earn"
    answered = learned.ask(question)
    assert answered.entry_id is not None
    _, ranked = learned.rank(question)
    learned.held_threshold = 1.01  # every disputed top now falls short
    learned.answer_threshold = min(learned.answer_threshold, ranked[0].score)
    disputed = [dataclasses.replace(ranked[0], agreed=False), *ranked[1:]]
    learned._learned_rank = lambda *_: disputed  # type: ignore[method-assign]
    got = learned.ask(question)
    assert got.outcome.value == "unsure"
    assert got.suggestions[0].entry_id == answered.entry_id


def test_a_top_between_the_thresholds_is_disputed_unless_the_nearest_agree(
    learned: Engine,
) -> None:
    """The second opinion is asked only for a top between the two thresholds, and a top
    is agreed when one of the classes behind it is among the nearest phrasings' best."""
    learned.answer_threshold, learned.held_threshold = 0.3, 0.6
    u, _ = learned.rank("how much do customer service representatives earn")
    c = next(i for i, targets in enumerate(learned.class_targets) if targets)
    asked: list[int] = []

    def near(*found: int) -> Callable[[], set[int]]:
        def call() -> set[int]:
            asked.append(1)
            return set(found)

        return call

    for score, found, agreed, consulted in [
        (0.45, (), False, True),
        (0.45, (c,), True, True),
        (0.75, (), True, False),  # sure enough: no second opinion needed
        (0.2, (), True, False),  # not answered anyway
    ]:
        asked.clear()
        top = learned._to_targets([(c, score)], u, near(*found))[0]
        assert top.agreed is agreed, (score, found)
        assert bool(asked) is consulted, (score, found)


def test_out_of_fold_neighbours_never_see_the_example_itself() -> None:
    """Cross-validation's second opinion for a phrasing comes from the other folds (and the
    answers' text): a class with one phrasing is found for it only through its answer."""

    from bot.engine.trained import _near_out_of_fold

    texts = [_q(t) for t in ("refund my order", "refund my order", "refund my order")]
    texts += [_q("reset my password"), _q("where is my delivery"), _q("tell me a joke")]
    y = np.asarray([0, 0, 0, 1, 2, 3], dtype=np.int64)  # class 3: "none of these"
    e = FakeEmbedder()
    f = TextFeatures([*texts, _q("password reset link")], e)
    n_word = len(f.word.idf)
    x = f.transform(texts, e)
    no_answers = (x[:0], np.zeros(0, dtype=np.int64))
    near = _near_out_of_fold(x, y, no_answers, 3, n_word, n_word + len(f.char.idf))
    assert near[0, 0] == 0  # its copies are in the other folds
    assert 1 not in near[3].tolist() and 2 not in near[4].tolist()  # alone: never itself
    assert 3 not in near.ravel().tolist()  # declined examples are nobody's neighbours
    answer = f.transform([_q("password reset link")], e)
    with_answer = _near_out_of_fold(
        x, y, (answer, np.asarray([1])), 3, n_word, n_word + len(f.char.idf)
    )
    assert with_answer[3, 0] == 1
