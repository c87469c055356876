"""bench/intents.py builds valid knowledge folders from the benchmarks' file shapes and
scores the engine's replies as documented (a tiny synthetic data set; no timing)."""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from bot.engine.answer import Answer, Outcome, Suggestion
from bot.knowledge.base import KnowledgeBase
from bot.knowledge.loader import load_knowledge
from tests.paths import ROOT

INTENTS = ("pto_request", "translate", "card_arrival")


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_intents", ROOT / "bench" / "intents.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _query(intent: str, i: int) -> str:
    return f"{intent.replace('_', ' ')} question number {i} please"


@pytest.fixture
def clinc_file(tmp_path: Path) -> Path:
    data = {
        "train": [[_query(n, i), n] for n in INTENTS for i in range(12)],
        "val": [[f"val {i} {n}", n] for n in INTENTS for i in range(2)],
        "oos_train": [[f"pizza toppings {i}", "oos"] for i in range(3)],
        "oos_val": [[f"weather today {i}", "oos"] for i in range(2)],
    }
    # A long query with a control character: the question must stay <= 100 characters.
    data["train"][0] = ["what\x07 " + "very " * 40 + "long pto request", INTENTS[0]]
    path = tmp_path / "clinc150" / "train_val.json"
    path.parent.mkdir()
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture
def banking_file(tmp_path: Path) -> Path:
    path = tmp_path / "banking77" / "train.csv"
    path.parent.mkdir()
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["text", "category"])
        for n in INTENTS:
            writer.writerows([_query(n, i), n] for i in range(20))
    return path


@pytest.mark.parametrize(("k", "per_entry"), [(10, 10), (None, 12)])
def test_clinc_folder_loads_with_the_real_loader(
    bench: ModuleType, clinc_file: Path, tmp_path: Path, k: int | None, per_entry: int
) -> None:
    dataset = bench.read_clinc(clinc_file)
    root = bench.build_folder(dataset, tmp_path / "kb" / "knowledge", k)
    kb = load_knowledge(root)
    assert sorted(kb.entries) == ["card-arrival", "pto-request", "translate"]
    assert set(kb.careers) == {"clinc150"}
    for intent in INTENTS:
        entry = kb.entries[bench.entry_id(intent)]
        asked = [entry.question, *entry.phrasings]
        assert len(asked) == per_entry and len(set(asked)) == per_entry
        assert set(asked) <= {bench.clean(q, 300) for q in dataset.train[intent]}
        assert len(entry.question) <= 100 and "\x07" not in entry.question
        assert entry.topic == bench.entry_id(intent)
    if bench.supports_decline():
        assert list(kb.decline) == [q for q in dataset.oos_train]
    else:
        assert not (root / "decline.yaml").exists()


def test_banking_holds_out_a_fifth_of_each_intent(
    bench: ModuleType, banking_file: Path, tmp_path: Path
) -> None:
    dataset = bench.read_banking(banking_file)
    assert dataset == bench.read_banking(banking_file)  # the seed fixes the split
    assert len(dataset.val) == 3 * 4 and not dataset.oos_val
    assert {len(q) for q in dataset.train.values()} == {16}
    kb = load_knowledge(bench.build_folder(dataset, tmp_path / "kb" / "knowledge", None))
    written = {q for e in kb.entries.values() for q in (e.question, *e.phrasings)}
    assert len(written) == 3 * 16
    assert not written & {q for q, _ in dataset.val}


class ScriptedEngine:
    """Answers by a script: query -> (outcome, entry id or first suggestion)."""

    def __init__(self, script: dict[str, tuple[Outcome, str | None]]) -> None:
        self.script = script

    def ask(self, question: str) -> Answer:
        outcome, target = self.script.get(question, (Outcome.DECLINE, None))
        if outcome is Outcome.ANSWER:
            return Answer(outcome, "t", "b", entry_id=target)
        suggestions = (Suggestion(target, "q"),) if target else ()
        return Answer(outcome, "t", "b", suggestions=suggestions)


def test_scores_follow_the_definitions(bench: ModuleType, clinc_file: Path, tmp_path: Path) -> None:
    dataset = bench.read_clinc(clinc_file)
    val = [q for q, _ in dataset.val]  # 2 per intent, in INTENTS order
    script = {
        val[0]: (Outcome.ANSWER, "pto-request"),  # right
        val[1]: (Outcome.ANSWER, "translate"),  # wrong
        val[2]: (Outcome.UNSURE, "translate"),  # not answered, ranked first
        val[3]: (Outcome.UNSURE, "card-arrival"),  # not answered, not first
        val[4]: (Outcome.ANSWER, "card-arrival"),  # right
        dataset.oos_val[0]: (Outcome.ANSWER, "translate"),  # oos answered
        dataset.oos_val[1]: (Outcome.UNSURE, "translate"),  # oos not answered
    }

    def make(kb: KnowledgeBase) -> ScriptedEngine:
        assert len(kb.entries) == 3
        return ScriptedEngine(script)

    r = bench.evaluate(dataset, 10, tmp_path, make_engine=make)
    assert (r.asked_in_scope, r.asked_oos, r.entries) == (6, 2, 3)
    assert r.in_scope_accuracy == pytest.approx(100 * 2 / 6)
    assert r.answered_wrong == pytest.approx(100 * 1 / 6)
    assert r.ranked_first == pytest.approx(100 * 3 / 6)
    assert r.oos_recall == pytest.approx(50.0)
    assert "in-scope accuracy" in bench.report(r)
    limited = bench.evaluate(dataset, 10, tmp_path / "limited", limit=4, make_engine=make)
    assert (limited.asked_in_scope, limited.asked_oos) == (4, 2)


def test_engine_options_from_the_command_line(
    bench: ModuleType, clinc_file: Path, tmp_path: Path
) -> None:
    kb = load_knowledge(bench.build_folder(bench.read_clinc(clinc_file), tmp_path / "kb", 10))
    engine = bench.engine_factory(["answer_threshold=0.5", "unsure_threshold=0.25"])(kb)
    assert (engine.settings.answer_threshold, engine.settings.unsure_threshold) == (0.5, 0.25)
    assert engine.settings.default_career == "clinc150"  # the folder's only career
    with pytest.raises(ValueError, match="KEY=VALUE"):
        bench.engine_factory(["no_such_option=1"])
