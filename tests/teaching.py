"""A gap to teach in the teaching tests: a member's question the shipped knowledge does not
answer yet, but is unsure about, with the entry it belongs to among its "did you mean" picks.

Chosen from candidates at run time, so that a better matcher (one that learns to answer one of
them) does not silently turn a teaching test into a test of nothing: the first candidate that
is a gap now is taught. The teaching tests run the engine with a wide unsure band
(``WIDE_UNSURE``, what an admin sets as ``engine.unsure_threshold``): where the fitted band
lies moves with every knowledge edit, and teaching, not calibration, is what they test.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.engine import Engine, EngineSettings
from bot.engine.answer import Outcome
from bot.engine.trained import user_cache_dir
from bot.knowledge.loader import load_knowledge
from tests.paths import KNOWLEDGE, ROOT
from tests.scoring import load_eval

WIDE_UNSURE = 0.05
"""The unsure threshold of the teaching tests' engine and bot (the answer threshold stays
fitted)."""

BURNOUT = "csr-stress-burnout"
IRATE = "csr-stress-irate"
STRESSFUL = "csr-stress-how-stressful"
CANDIDATES: tuple[tuple[str, str], ...] = (
    ("how to avoid losing it after endless calls", BURNOUT),
    ("help me stop frying my brain on calls", BURNOUT),
    ("how do i stop feeling so drained by calls", BURNOUT),
    ("how do i protect my mental health on the phones", BURNOUT),
    ("calls wear me out, how do people last in this job", BURNOUT),
    ("the phones are wearing me down, tips?", BURNOUT),
    ("mental exhaustion from support calls", BURNOUT),
    ("how do you not get exhausted taking calls all day", BURNOUT),
    ("what do people in support do when a caller won't stop talking", IRATE),
    ("how do i keep from crashing out on the phones", IRATE),
    ("can i do customer service if i have anxiety", STRESSFUL),
)


@dataclass(frozen=True)
class Gap:
    question: str
    entry_id: str
    entry_question: str
    file: Path
    """The entry's file, relative to the knowledge folder."""


def gap_engine(root: Path = KNOWLEDGE) -> Engine:
    """The engine the teaching tests ask: the knowledge at ``root``, unsure band wide."""
    settings = EngineSettings(unsure_threshold=WIDE_UNSURE, cache_dir=user_cache_dir())
    return Engine(load_knowledge(root), settings)


def find_gap(engine: Engine, root: Path = KNOWLEDGE) -> Gap:
    """The first candidate the engine is unsure about with its entry among the suggestions."""
    for question, entry_id in CANDIDATES:
        a = engine.ask(question)
        if a.outcome is Outcome.UNSURE and entry_id in [s.entry_id for s in a.suggestions]:
            file = next(
                p for p in sorted(root.rglob("*.yaml")) if f"id: {entry_id}\n" in p.read_text()
            )
            entry = engine.kb.entries[entry_id]
            return Gap(question, entry_id, entry.question, file.relative_to(root))
    raise AssertionError(f"no candidate is unsure with its entry suggested: {CANDIDATES}")


VAGUE = ("work", "pay", "csr", "career", "training", "money", "customer", "job")


def _eval_questions() -> list[str]:
    return [str(item["q"]) for item in load_eval(ROOT / "tests/eval/questions.yaml")["in_scope"]]


def unsure_question(engine: Engine, suggestions: int = 2) -> str:
    """A question the engine (as shipped: the fitted band) answers with a "did you mean" of
    at least ``suggestions`` choices: a vague word, a teaching candidate, else one of the
    evaluation questions (chosen at run time, for the same reason)."""
    for question in (*VAGUE, *(q for q, _ in CANDIDATES), *_eval_questions()):
        a = engine.ask(question)
        if a.outcome is Outcome.UNSURE and len(a.suggestions) >= suggestions:
            return question
    raise AssertionError("no candidate question gives a did-you-mean; extend the candidates")
