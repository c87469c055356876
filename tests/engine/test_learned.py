"""The learned matcher: features, classifier, cross-validation, calibration, classes, slots
and cache — with a tiny fake embedding model (one test loads the real bundled wordllama)."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from bot.engine import Engine, EngineSettings
from bot.engine import trained as trained_module
from bot.engine.answer import Outcome
from bot.engine.calibrate import Outcome as Held
from bot.engine.calibrate import fit_thresholds
from bot.engine.classifier import (
    PROJECTION,
    IntentClassifier,
    QueryText,
    TextFeatures,
    cross_validate,
    folds,
    projection,
)
from bot.engine.embed import Vectors, WordLlamaEmbedder, tokenizer_words, whole_words
from bot.engine.learned import CAREER, UNKNOWN
from bot.engine.message import is_junk, is_smalltalk, question_part, strip_lead_in
from bot.engine.normalize import clean
from bot.knowledge.base import KnowledgeBase


class FakeEmbedder:
    """Bag of hashed words in 64 dimensions: texts sharing words are similar."""

    name = "fake-64"

    def __init__(self) -> None:
        self.calls = 0

    def embed(self, texts: Sequence[str]) -> Vectors:
        self.calls += 1
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for i, text in enumerate(texts):
            for w in text.split():
                out[i, int(hashlib.md5(w.encode()).hexdigest(), 16) % 64] += 1.0  # noqa: S324
        norms = np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)
        return np.asarray(out / norms, dtype=np.float32)


LEARNED = EngineSettings(matcher="learned")
DECLINED = (
    "what's the best pizza in town",
    "tell me a joke",
    "who won the football game",
    "what is the weather like tomorrow",
    "how do i bake bread",
)
KEYS = ("refund", "password", "delivery")


@pytest.fixture(autouse=True)
def fresh_memo(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test trains for itself (no model remembered from another test)."""
    monkeypatch.setattr(trained_module, "_memo", type(trained_module._memo)())


@pytest.fixture
def learned(fixture_kb: KnowledgeBase) -> Engine:
    kb = dataclasses.replace(fixture_kb, decline=DECLINED)
    return Engine(kb, LEARNED, embedder=FakeEmbedder())


def _q(text: str) -> QueryText:
    return QueryText(text, text)


def _three_keywords() -> tuple[list[QueryText], np.typing.NDArray[np.int64]]:
    """Three classes whose phrasings share filler words and differ in one keyword each."""
    texts = [_q(f"{filler} {k}") for k in KEYS for filler in ("how do i", "what about", "help me")]
    return texts, np.repeat(np.arange(3), 3).astype(np.int64)


# ---------------------------------------------------------------- features and classifier
def test_features_put_word_char_and_embedding_blocks_side_by_side() -> None:
    texts, _ = _three_keywords()
    e = FakeEmbedder()
    f = TextFeatures(texts, e)
    x = f.transform([_q("refund please"), _q("")], e)
    n_word = len(f.word.vocabulary_)
    n_char = len(f.char.vocabulary_)
    assert x.shape == (2, n_word + n_char + 64)
    assert x[0, :n_word].nnz > 0  # "refund" is a known word
    assert x[0, n_word : n_word + n_char].nnz > 0  # and its character n-grams


def test_classifier_learns_the_words_that_tell_classes_apart() -> None:
    texts, y = _three_keywords()
    e = FakeEmbedder()
    f = TextFeatures(texts, e)
    model = IntentClassifier(3).fit(f.transform(texts, e), y)
    p = model.proba(f.transform([_q("i need a refund"), _q("forgot my password")], e))
    assert p.shape == (2, 4)  # three classes and "none of these"
    assert np.allclose(p.sum(axis=1), 1.0, atol=1e-5)
    assert p[0].argmax() == 0 and p[1].argmax() == 1
    assert p[:, 3].max() == 0.0  # no declined example: "none" never gets probability


def test_asking_scores_as_the_training_matrix_would() -> None:
    """``TextFeatures.proba`` skips building the matrix; it must score exactly as the
    classifier does on ``transform``'s rows, repeated words, typos and empty texts included.
    Its memo of words is not part of the pickled (disk-cached) model."""
    import pickle

    texts, y = _three_keywords()
    e = FakeEmbedder()
    f = TextFeatures(texts, e)
    model = IntentClassifier(3).fit(f.transform(texts, e), y)
    asked = [_q("refund refund please"), _q(""), _q("pasword delivry"), _q("how do i help")]
    want = model.proba(f.transform(asked, e))
    assert np.allclose(f.proba(asked, e, model), want, atol=1e-6)
    assert "_memo" in f.char.__dict__  # the words were remembered...
    again = pickle.loads(pickle.dumps(f))  # noqa: S301 - our own bytes
    assert "_memo" not in again.char.__dict__  # ...not cached on disk
    assert np.allclose(again.proba(asked, e, model), want, atol=1e-6)


def test_a_compacted_classifier_scores_as_before_in_half_the_room() -> None:
    texts, y = _three_keywords()
    e = FakeEmbedder()
    f = TextFeatures(texts, e)
    model = IntentClassifier(3).fit(f.transform(texts, e), y)
    asked = [_q("refund refund please"), _q("pasword delivry"), _q("how do i help")]
    want = model.proba(f.transform(asked, e))
    size = model.w.nbytes
    model.compact()
    assert model.w.dtype == np.float16 and model.w.nbytes * 2 == size
    for got in (model.proba(f.transform(asked, e)), f.proba(asked, e, model)):
        assert got.dtype == np.float32
        assert np.allclose(got, want, atol=1e-3)
        assert (got.argmax(axis=1) == want.argmax(axis=1)).all()


def test_declined_examples_train_the_none_class() -> None:
    texts, y = _three_keywords()
    declined = [_q(x) for x in ("best pizza in town", "pizza tonight", "tell me a joke")]
    e = FakeEmbedder()
    f = TextFeatures([*texts, *declined], e)
    x = f.transform([*texts, *declined], e)
    model = IntentClassifier(3).fit(x, np.concatenate([y, [3, 3, 3]]))
    p = model.proba(f.transform([_q("pizza place near me"), _q("refund")], e))
    assert p[0].argmax() == 3
    assert p[1].argmax() == 0


def test_a_class_without_examples_gets_no_probability() -> None:
    texts, y = _three_keywords()
    e = FakeEmbedder()
    f = TextFeatures(texts, e)
    model = IntentClassifier(5).fit(f.transform(texts, e), y)  # classes 3 and 4: no example
    p = model.proba(f.transform([_q("delivery")], e))
    assert p[0, 3] == 0.0 and p[0, 4] == 0.0 and p[0, 2] > 0.5


def test_folds_spread_every_class_and_cross_validation_is_out_of_fold() -> None:
    y = np.repeat(np.arange(4), 6).astype(np.int64)
    fold = folds(y, 3)
    for c in range(4):
        assert sorted(np.bincount(fold[y == c], minlength=3).tolist()) == [2, 2, 2]
    # A keyword that only one phrasing uses cannot be learned by the fold that scores it.
    texts = [_q(f"how do i {k}") for k in KEYS for _ in range(3)]
    texts[0] = _q("zebra")  # the only phrasing with this word
    y3 = np.repeat(np.arange(3), 3).astype(np.int64)
    e = FakeEmbedder()
    x = TextFeatures(texts, e).transform(texts, e)
    in_sample = IntentClassifier(3).fit(x, y3).proba(x)[0, 0]
    held_out = cross_validate(x, y3, 3)[0, 0]
    assert held_out < in_sample


def test_the_projection_of_a_feature_does_not_depend_on_the_others() -> None:
    """A knowledge edit that adds an n-gram renumbers the columns after it: every other
    feature keeps its row of the projection (the trained space does not move)."""
    keys = [f"w gram{i}" for i in range(5000)]
    before = projection(keys, 1000)
    after = projection([*keys[:10], "w new gram", *keys[10:]], 1000)
    assert before is not None and after is not None
    assert before.shape == (5000, PROJECTION) and after.shape == (5001, PROJECTION)
    assert (before[:10] != after[:10]).nnz == 0
    assert (before[10:] != after[11:]).nnz == 0
    assert (before[0] != before[1]).nnz > 0
    assert projection(keys[:100], 1000) is None  # few features: trained on as they are


# ---------------------------------------------------------------- calibration
def test_thresholds_fitted_from_held_out_predictions() -> None:
    right = [Held(0.9, True, True, False)] * 50
    wrong = [Held(0.4, False, True, False)] * 10
    declined = [Held(0.3, False, False, True)] * 20
    answer, unsure, _ = fit_thresholds(right + wrong + declined)
    assert 0.4 < answer <= 0.9  # wrong answers (0.4) are not answered, right ones are
    assert unsure <= answer


def test_a_wrong_answer_costs_more_than_a_missed_one() -> None:
    """Answering the 0.5 band gets 10 right and 10 wrong: not worth it."""
    sure = [Held(0.9, True, True, False)] * 80
    band = [Held(0.5, True, True, False)] * 10 + [Held(0.5, False, True, False)] * 10
    answer, _, _ = fit_thresholds(sure + band)
    assert 0.5 < answer <= 0.9


def test_unsure_compares_the_suggestions_combined_probability() -> None:
    """Questions spread over three near entries (top 0.12, the three 0.45) and declined
    examples with the same top (0.12) but nothing behind it (0.15): the top alone cannot tell
    them apart; the suggestions' combined probability does."""
    sure = [Held(0.9, True, True, False, 0.95)] * 50
    spread = [Held(0.12, False, True, False, 0.45)] * 30
    declined = [Held(0.12, False, False, True, 0.15)] * 20
    answer, unsure, _ = fit_thresholds(sure + spread + declined)
    assert 0.15 < unsure <= 0.45 and unsure > 0.12 and answer > 0.12


def test_the_answer_threshold_is_where_answering_starts_to_pay() -> None:
    """Predictions as right as their probability says (a fraction p of those at p): answering
    pays where p x 1 > (1 - p) x WRONG_COST, from p = 1.25 / 2.25 = 0.556."""
    held = []
    for p in np.arange(0.05, 0.96, 0.05):
        n_right = round(100 * p)
        held += [Held(float(p), True, True, False)] * n_right
        held += [Held(float(p), False, True, False)] * (100 - n_right)
    answer, _, _ = fit_thresholds(held)
    assert 0.53 <= answer <= 0.58


def test_the_answer_threshold_barely_moves_when_predictions_are_resampled() -> None:
    """Every prediction shapes it, not only the few near a flat minimum of the cost (where
    ten phrasings added moved it by 0.03 on the CSR knowledge)."""
    rng = np.random.default_rng(7)
    p = rng.beta(2, 1.5, 600)
    right = rng.random(600) < p
    declined = rng.beta(1, 6, 150)
    held = [Held(float(x), bool(r), bool(r), False) for x, r in zip(p, right, strict=True)]
    held += [Held(float(x), False, False, True) for x in declined]
    fitted = []
    for _ in range(40):
        pick = rng.integers(0, len(held), len(held))
        fitted.append(fit_thresholds([held[i] for i in pick]).answer)
    assert max(fitted) - min(fitted) <= 0.1, fitted


def test_a_flat_cost_gives_the_middle_of_the_near_best_thresholds() -> None:
    """Right answers at 0.6 and nothing else: every threshold up to 0.6 costs nothing; the
    fitted one is in the middle of them, not at the lowest (which left no unsure band)."""
    answer, _, _ = fit_thresholds([Held(0.6, True, True, False)] * 50)
    assert 0.3 <= answer <= 0.4


def test_the_unsure_threshold_barely_moves_when_predictions_are_resampled() -> None:
    """Suggestions that hold the right entry against declined examples shown any overlap
    over a wide, flat stretch of the cost; every prediction shapes the threshold, not the
    few at the edge of that stretch (on the CSR knowledge the folds' seed alone moved the
    edge 0.32-0.47)."""
    rng = np.random.default_rng(11)
    sure = [Held(0.9, True, True, False, 0.95)] * 400
    helped = [Held(0.1, False, True, False, float(m)) for m in rng.beta(4, 4, 300)]
    missed = [Held(0.1, False, False, False, float(m)) for m in rng.beta(2, 5, 100)]
    declined = [Held(0.05, False, False, True, float(m)) for m in rng.beta(2, 6, 120)]
    held = sure + helped + missed + declined
    fitted = []
    for _ in range(40):
        pick = rng.integers(0, len(held), len(held))
        fitted.append(fit_thresholds([held[i] for i in pick]).unsure)
    # (the middle of the least costly thresholds moved 0.35-0.75 on these resamples)
    assert max(fitted) - min(fitted) <= 0.15, fitted
    assert 0.3 <= float(np.median(fitted)) <= 0.7


def test_without_declined_examples_unsure_is_the_middle_of_the_least_costly() -> None:
    """No declined example to weigh against: every threshold up to the band's lowest costs
    the same; the middle of them, not the lowest (a knowledge without decline.yaml)."""
    sure = [Held(0.9, True, True, False, 0.95)] * 200
    band = [Held(0.15, False, True, False, 0.45)] * 100
    answer, unsure, _ = fit_thresholds(sure + band)
    assert answer > 0.15 and 0.25 <= unsure <= 0.31, unsure


def test_declined_examples_raise_the_answer_threshold() -> None:
    ins = [Held(0.9, True, True, False)] * 90 + [Held(0.4, True, True, False)] * 2
    declined = [Held(0.4, False, False, True)] * 100
    without, _, _ = fit_thresholds(ins)
    with_declined, _, _ = fit_thresholds(ins + declined)
    assert without <= 0.4 < with_declined


def test_unsure_band_offers_suggestions_where_the_right_entry_is_in_the_top_three() -> None:
    sure = [Held(0.9, True, True, False)] * 50
    band = [Held(0.3, False, True, False)] * 30  # wrong first, right among the suggestions
    declined = [Held(0.05, False, False, True)] * 20
    answer, unsure, _ = fit_thresholds(sure + band + declined)
    assert unsure <= 0.3 < answer


# ---------------------------------------------------------------- the engine
def test_learned_engine_answers_its_knowledge_and_declines_the_declared(learned: Engine) -> None:
    a = learned.ask("how much do customer service representatives earn")
    assert a.outcome is Outcome.ANSWER
    assert a.entry_id == "csr-pay"
    assert learned.ask("what's the best pizza in town?").outcome is Outcome.DECLINE
    assert learned.ask("$").outcome is Outcome.DECLINE
    assert learned.ask("thanks!").outcome is Outcome.SMALLTALK


def test_a_fact_class_the_default_careers_entry_asks_is_merged_into_it(learned: Engine) -> None:
    """ "csr salary" is one question: the entry answers it for the default career, the facts
    for the others; the two never split one probability between them."""
    pay = learned.target_class[learned._target_index["csr-pay"]]
    fact = learned._target_index["fact.salary.receptionist"]
    assert learned.target_class[fact] == pay
    assert learned.class_targets[pay]["receptionist"] == fact


def test_the_career_slot_chooses_whose_facts_answer(learned: Engine) -> None:
    a = learned.ask("how much do receptionists make")
    assert a.outcome is Outcome.ANSWER
    assert a.entry_id == "fact.salary.receptionist"
    assert "receptionist" in (a.career or "")


def test_another_careers_entry_is_never_answered(learned: Engine) -> None:
    _, ranked = learned.rank("how do receptionists get promoted")
    for r in ranked:
        if learned.targets[r.target].career != "receptionist":
            assert r.score < learned.answer_threshold


def test_career_names_become_one_token_and_new_words_are_marked(learned: Engine) -> None:
    q, _ = learned._qtext("how much do receptionists make")
    assert CAREER in q.stems.split() and "receptionist" not in q.words
    q, _ = learned._qtext("how much do zookeepers make")
    assert UNKNOWN in q.stems.split() and CAREER not in q.stems.split()


def test_another_occupation_beside_a_named_career_is_background(learned: Engine) -> None:
    """ "im a cashier, can i become a csr" asks about becoming a CSR: the occupation the
    knowledge does not cover is left out of what the classifier reads. Without a career
    named it stays (and the message is declined before ranking)."""
    q, _ = learned._qtext("im a cashier at a store, can i become a csr")
    assert "cashier" not in q.words.split() and CAREER in q.stems.split()
    q, _ = learned._qtext("how much do cashiers make")
    assert "cashiers" in q.words.split()
    assert learned.ask("how much do cashiers make").outcome is Outcome.DECLINE


def test_a_training_phrasing_does_not_know_a_word_only_it_uses(learned: Engine) -> None:
    """Training sees a phrasing as a member's question with a new word would look: a word no
    other phrasing uses is unknown to it (else "unknown word" would mean "decline")."""
    q, _ = learned._qtext("is a diploma enough", known=lambda s: s != "diploma")
    assert q.stems.split().count(UNKNOWN) == 1
    q, _ = learned._qtext("is a diploma enough")
    assert UNKNOWN not in q.stems.split()  # at ask time it is a known word


def test_unsure_suggestions_are_distinct_questions(learned: Engine) -> None:
    u, ranked = learned.rank("promoted")
    picks = learned._suggestions(ranked, u)
    questions = [learned.normalise(p.question) for p in picks]
    assert len(questions) == len(set(questions))


def test_configured_thresholds_override_the_fitted(fixture_kb: KnowledgeBase) -> None:
    s = dataclasses.replace(LEARNED, answer_threshold=0.99, unsure_threshold=0.98)
    e = Engine(fixture_kb, s, embedder=FakeEmbedder())
    assert (e.answer_threshold, e.unsure_threshold) == (0.99, 0.98)


def test_cache_warm_start_skips_training(
    fixture_kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = dataclasses.replace(LEARNED, cache_dir=tmp_path / "cache")
    first = Engine(fixture_kb, s, embedder=FakeEmbedder())
    assert list((tmp_path / "cache").glob("engine-*.pickle"))

    def no_training(*args: object, **kwargs: object) -> None:
        raise AssertionError("trained again although the cache holds this knowledge")

    monkeypatch.setattr("bot.engine.learned.train", no_training)
    monkeypatch.setattr(trained_module, "_memo", type(trained_module._memo)())  # disk only
    warm = Engine(fixture_kb, s, embedder=FakeEmbedder())
    q = "how much do customer service representatives earn"
    assert warm.ask(q).entry_id == first.ask(q).entry_id
    # Changed knowledge is a new key: it trains.
    changed = dataclasses.replace(fixture_kb, decline=("something new to decline",))
    with pytest.raises(AssertionError, match="trained again"):
        Engine(changed, s, embedder=FakeEmbedder())


def test_the_same_knowledge_twice_in_one_process_trains_once(
    fixture_kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = trained_module.train

    def counting(*args: object, **kwargs: object) -> trained_module.TrainedModel:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr("bot.engine.learned.train", counting)
    Engine(fixture_kb, LEARNED, embedder=FakeEmbedder())
    Engine(fixture_kb, LEARNED, embedder=FakeEmbedder())
    assert len(calls) == 1


def test_unwritable_or_corrupt_cache_only_means_training(
    fixture_kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    Engine(fixture_kb, dataclasses.replace(LEARNED, cache_dir=blocker), embedder=FakeEmbedder())
    cache = tmp_path / "cache"
    Engine(fixture_kb, dataclasses.replace(LEARNED, cache_dir=cache), embedder=FakeEmbedder())
    for f in cache.glob("engine-*.pickle"):
        f.write_bytes(b"garbage")
    monkeypatch.setattr(trained_module, "_memo", type(trained_module._memo)())
    e = Engine(fixture_kb, dataclasses.replace(LEARNED, cache_dir=cache), embedder=FakeEmbedder())
    assert e.model is not None
    assert e.ask("csr salary").outcome is Outcome.ANSWER


def test_the_disk_cache_keeps_the_most_recently_used_models(
    fixture_kb: KnowledgeBase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit then its revert, or a second process on the knowledge as shipped, starts warm:
    the models used last stay on disk (DISK_KEEP of them), not only the newest."""
    model = Engine(fixture_kb, LEARNED, embedder=FakeEmbedder()).model
    assert model is not None and trained_module.DISK_KEEP == 3
    monkeypatch.setattr(trained_module, "_memo", type(trained_module._memo)())
    cache = tmp_path / "cache"
    shipped, edited, newer, newest = (f"{i:064x}" for i in range(4))
    trained_module.save_cached(cache, shipped, model)
    trained_module.save_cached(cache, edited, model)
    for n, key in enumerate((shipped, edited), start=1):
        os.utime(cache / f"engine-{key[:32]}.pickle", (n, n))  # both long ago, shipped first
    monkeypatch.setattr(trained_module, "_memo", type(trained_module._memo)())
    assert trained_module.load_cached(cache, shipped) is not None  # used again: now recent
    trained_module.save_cached(cache, newer, model)
    trained_module.save_cached(cache, newest, model)
    kept = {p.name for p in cache.glob("engine-*.pickle")}
    assert kept == {f"engine-{k[:32]}.pickle" for k in (shipped, newer, newest)}


def test_message_shapes() -> None:
    assert is_smalltalk("heyyy") and is_smalltalk("thank you so much!") and is_smalltalk("lol")
    assert not is_smalltalk("hi, how much do csrs make?")
    assert is_smalltalk("ur cool") and is_smalltalk("you're awesome bot")
    assert not is_smalltalk("are csrs really the best paid?")
    # Greetings of several words are one greeting; the same words in a question are not.
    assert is_smalltalk("hey, how are you doing today?") and is_smalltalk("What's up bot")
    assert not is_smalltalk("how are you supposed to handle angry callers")
    assert is_smalltalk("hey bot what's up, how's your day going") and is_smalltalk("hru")
    assert is_smalltalk("how have you been?") and is_smalltalk("how was your weekend lol")
    assert not is_smalltalk("how is your day as a csr")
    # Only the words before a question: the question is still to come.
    assert is_smalltalk("hey guys, i have a question") and is_smalltalk("can i ask a question?")
    assert is_smalltalk("Hi everyone, can someone help me?") and is_smalltalk("quick q")
    assert not is_smalltalk("quick question about csr pay")
    assert is_junk(clean("!!! $ !!!")) and is_junk(clean("2 2")) and not is_junk(clean("csr pay"))
    story = (
        "So I have been working retail for three years and my manager keeps cutting my hours. "
        "A friend said call centers pay better. How much do customer service reps make?"
    )
    assert question_part(story) == "How much do customer service reps make?"
    assert question_part("how much do csrs make") is None
    # Members leave out the question mark and the apostrophe.
    server = "been a server 5 yrs and tips are all over the place. {} the normal hourly for a csr"
    for start in ("whats", "what's", "What's", "wats"):
        assert question_part(server.format(start)) == f"{start} the normal hourly for a csr"
    assert question_part("been a server 5 yrs and tips are all over the place. hate it") is None


def test_lead_ins_are_not_what_is_asked() -> None:
    def strip(text: str) -> str:
        return strip_lead_in(clean(text))

    assert strip("sorry dumb question but what exactly is a csr") == "what exactly is a csr"
    assert strip("Hey guys! Quick Q: do csrs need a degree?") == "do csrs need a degree"
    assert strip("hi there, hope ur all well. so i was wondering, what is a csr") == (
        "what is a csr"
    )
    assert strip("does anyone know if call centers hire at 16") == "call centers hire at 16"
    assert strip("may i know the scope of bpo jobs") == "the scope of bpo jobs"
    # Words that say what is asked stay, and so does a message that is all lead-in.
    assert strip("well paid jobs for csrs") == "well paid jobs for csrs"
    assert strip("questions about csr pay") == "questions about csr pay"
    assert strip("quick question") == "quick question"
    assert strip("hey, pay?") == "hey pay"


def test_a_lead_in_does_not_turn_a_question_away(learned: Engine) -> None:
    question = "what education do I need to be a customer service rep"
    plain = learned.ask(question)
    assert plain.outcome is Outcome.ANSWER and plain.entry_id == "csr-education"
    for lead in (
        "hey guys, quick question:",
        "sorry if this is a dumb question but",
        "Good morning all! I was wondering,",
    ):
        answer = learned.ask(f"{lead} {question}")
        assert (answer.outcome, answer.entry_id) == (plain.outcome, plain.entry_id), lead
        assert answer.confidence == pytest.approx(plain.confidence)


def test_the_question_part_of_a_story_weighs_most(learned: Engine) -> None:
    story = (
        "my cousin keeps telling me about the promotion she got at her bank and the new team "
        "lead role. anyway, what education do I need to be a customer service rep?"
    )
    assert learned.ask(story).entry_id == "csr-education"


def test_a_vague_question_part_does_not_drown_a_story_that_says_what_it_asks(
    learned: Engine,
) -> None:
    """The two distributions are mixed, not multiplied: a question part that matches
    nothing well ("is that even true for someone like me?") spread thin no longer outweighs
    a story that is clearly about education."""
    story = (
        "my counsellor printed me a sheet on the education and degree a customer service rep "
        "needs, high school diploma or ged. is that even true for someone like me?"
    )
    _, ranked = learned.rank(story)
    assert learned.targets[ranked[0].target].id == "csr-education"


def test_a_message_naming_only_a_career_gets_its_overview(learned: Engine) -> None:
    """ "receptionist?" asks for the career at a glance: its overview fact (summary and key
    figures), whichever career is named."""
    for text, career in (
        ("receptionist?", "receptionist"),
        ("tell me about csrs", "customer-service-representative"),
    ):
        a = learned.ask(text)
        assert (a.outcome, a.entry_id) == (Outcome.ANSWER, f"fact.overview.{career}"), text


def test_junk_declined_examples_do_not_teach_that_pay_is_off_topic(
    fixture_kb: KnowledgeBase,
) -> None:
    """ "$" normalises to "salary": as a training row of "none" it made "pay" a decline. Junk
    is declined before the classifier is asked, so it is no training row."""
    junk = ("$", "!!! $ !!!", "$$$", "$ $")
    kb = dataclasses.replace(fixture_kb, decline=(*DECLINED, *junk))
    engine = Engine(kb, LEARNED, embedder=FakeEmbedder())
    assert engine.ask("pay").outcome is not Outcome.DECLINE
    assert all(engine.ask(x).outcome is Outcome.DECLINE for x in junk)


def test_a_generic_question_part_leaves_the_story_to_speak(learned: Engine) -> None:
    """ "can you help?" says nothing of what is asked: the story decides."""
    story = (
        "i never finished high school but i got my ged last year and i want a customer "
        "service job at a call center near my place. can you help?"
    )
    _, ranked = learned.rank(story)
    assert learned.targets[ranked[0].target].id == "csr-education"


def test_real_bundled_model_places_paraphrases_closer() -> None:
    model = WordLlamaEmbedder()
    v = model.embed(
        [
            "how to avoid burnout in a call center job",
            "How can CSRs prevent burnout?",
            "What are common beginner CSR mistakes?",
        ]
    )
    assert v.shape == (3, 256)
    assert float(v[0] @ v[1]) > float(v[0] @ v[2])
    words = whole_words(model)
    assert {"were", "status", "policy", "promotion"} <= words
    assert not {"custmer", "salery", "recieve", "managment"} & words
    # The half-precision token vectors give wordllama's own sentence vectors, one text at
    # a time or a batch padded to its longest, empty and overlong texts included.
    import wordllama
    from wordllama import WordLlama

    reference = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
    texts = ["custmer servce rep salery??", "", "a", "how much " * 400, "façade 🙂 CSR"]
    want = reference.embed([t if t.strip() else "_" for t in texts], norm=False)
    want = want / np.maximum(np.linalg.norm(want, axis=1, keepdims=True), 1e-9)
    assert np.allclose(model.embed(texts), want, atol=1e-6)
    assert np.allclose(np.vstack([model.embed([t]) for t in texts]), want, atol=1e-6)


def test_whole_words_of_each_tokenizer_kind() -> None:
    assert tokenizer_words(["\u2581were", "\u2581cust", "mer", "\u2581Paris"]) == {"were", "cust"}
    assert tokenizer_words(["\u0120status", "ing"]) == {"status"}
    assert tokenizer_words(["status", "##ing", "[CLS]"]) == {"status"}
    assert whole_words(FakeEmbedder()) == frozenset()


def test_knowledge_without_answers_text_still_trains(fixture_kb: KnowledgeBase) -> None:
    """Answers are extra training rows; a knowledge of facts only has none."""
    from bot.engine.trained import train

    texts, y = _three_keywords()
    model = train(texts, y.tolist(), 3, KEYS, [t.words for t in texts], [], [], [], FakeEmbedder())
    assert model.report.asked == len(texts)


@pytest.mark.parametrize("kind", ["word", "char"])
def test_reduced_vectorizer_gives_scikit_learns_rows(kind: str) -> None:
    """The cached features transform without scikit-learn, exactly as it would."""
    from bot.engine.classifier import NgramTfidf, _vectorizer

    fit = [
        "how much do csrs make",
        "csr pay per hour",
        "a b",
        "is being bilingual useful for a csr csr csr",
        "what hours do call center workers have",
    ]
    asked = [*fit, "", "x", "custmer servce rep salery", "ab abc abcd abcde abcdef", "how much"]
    fitted = _vectorizer(kind, 1).fit(fit)
    reduced = NgramTfidf(fitted.vocabulary_, fitted.idf_, fitted.ngram_range, kind == "char")
    want = fitted.transform(asked).toarray()
    got = reduced.transform(asked).toarray()
    assert got.shape == want.shape
    assert np.allclose(got, want, atol=1e-6)
