"""What a week of moderation is worth: teach from the gaps the eval set leaves, then measure the
blind holdout before and after (not a test; the holdout is only measured, never tuned on).

    python bench/teaching.py

1. Ask every question of tests/eval/questions.yaml on a scratch copy of knowledge/.
2. The questions a moderator would see in ``/kb gaps`` are the ones the bot was unsure about
   or declined. For each in-scope gap, play the moderator: among the entries the matcher
   ranks first (what the gaps select offers), else among all entries, take the first whose
   answer holds every expected string, and teach the question to it (``bot.teach.teach``,
   the same validation as ``python -m bot teach``). Out-of-scope questions the bot was unsure
   about are taught as declined. Refusals are counted with their reason.
3. Score tests/holdout/holdout.yaml with the engine before and after.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.engine import Engine  # noqa: E402
from bot.engine.answer import Outcome  # noqa: E402
from bot.knowledge.loader import load_knowledge  # noqa: E402
from bot.render import to_text  # noqa: E402
from bot.teach import TeachRefused, likely_entries, teach  # noqa: E402
from tests.scoring import load_eval, score  # noqa: E402

EVAL = ROOT / "tests" / "eval" / "questions.yaml"
HOLDOUT = ROOT / "tests" / "holdout" / "holdout.yaml"


def holds(engine: Engine, entry_id: str, expect: list[str]) -> bool:
    answer = engine.answer_entry(entry_id)
    text = to_text(answer).casefold() if answer else ""
    return all(str(e).casefold() in text for e in expect)


def pick_entry(engine: Engine, question: str, expect: list[str]) -> str | None:
    """The entry a moderator would choose: a suggested one first, else any that fits."""
    for entry_id, _ in likely_entries(engine, question, limit=3):
        if holds(engine, entry_id, expect):
            return entry_id
    return next((e for e in engine.kb.entries if holds(engine, e, expect)), None)


def main() -> int:
    eval_set, holdout = load_eval(EVAL), load_eval(HOLDOUT)
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch) / "knowledge"
        shutil.copytree(ROOT / "knowledge", root)
        engine = Engine(load_knowledge(root))
        before = score(engine, holdout)
        eval_before = score(engine, eval_set)
        gaps: list[tuple[str, list[str] | None]] = []
        for item in eval_set["in_scope"]:
            if engine.ask(str(item["q"])).outcome is not Outcome.ANSWER:
                gaps.append((str(item["q"]), [str(e) for e in item["expect"]]))
        for item in eval_set["decline"]:
            if engine.ask(str(item["q"])).outcome is Outcome.UNSURE:
                gaps.append((str(item["q"]), None))
        taught, refused = 0, Counter[str]()
        for question, expect in gaps:
            current = Engine(load_knowledge(root))
            entry = None if expect is None else pick_entry(current, question, expect)
            if expect is not None and entry is None:
                refused["no entry holds the expected answer (a quick fact or missing)"] += 1
                continue
            try:
                teach(root, question, entry)
                taught += 1
            except TeachRefused as exc:
                refused[str(exc).split(":")[0]] += 1
        engine = Engine(load_knowledge(root))
        after = score(engine, holdout)
        eval_after = score(engine, eval_set)
    print(f"eval gaps (unsure or declined): {len(gaps)}; taught {taught}")
    for reason, n in refused.most_common():
        print(f"  not taught ×{n}: {reason}")
    print(
        f"eval    in-scope {eval_before[0]:.1%} → {eval_after[0]:.1%}, "
        f"declined {eval_before[1]:.1%} → {eval_after[1]:.1%}"
    )
    print(
        f"holdout in-scope {before[0]:.1%} → {after[0]:.1%}, "
        f"declined {before[1]:.1%} → {after[1]:.1%}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
