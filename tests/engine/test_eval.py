"""Evaluation on tests/eval/questions.yaml (written independently of the engine).

in_scope: correct if the engine answers and every `expect` string is in the reply text.
decline:  correct only if the engine declines.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.engine import Engine
from tests.scoring import load_eval, score

QUESTIONS = Path(__file__).resolve().parents[1] / "eval" / "questions.yaml"


def test_evaluation_set(shipped_engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    if not QUESTIONS.exists():
        pytest.skip(f"{QUESTIONS} is absent (the evaluation helper writes it)")
    data = load_eval(QUESTIONS)
    in_acc, out_acc, misses = score(shipped_engine, data)
    with capsys.disabled():
        print(
            f"\n[eval] in scope answered correctly: {in_acc:.1%} of {len(data['in_scope'])}; "
            f"declined correctly: {out_acc:.1%} of {len(data['decline'])}"
        )
        for m in misses[:40]:
            print(f"[eval] miss: {m}")
    assert out_acc >= 0.95, f"declined correctly {out_acc:.1%} < 95%"
    assert in_acc >= 0.95, f"in scope answered correctly {in_acc:.1%} < 95%"
