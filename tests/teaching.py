"""A gap to teach in the teaching tests: a question about burnout the shipped knowledge does
not answer yet, but is unsure about with the burnout entry among its "did you mean" picks.

Chosen from a few candidates at run time, so that a better matcher (one that learns to answer
one of them) does not silently turn a teaching test into a test of nothing.
"""

from __future__ import annotations

from bot.engine import Engine
from bot.engine.answer import Outcome

BURNOUT = "csr-stress-burnout"
CANDIDATES = (
    "how to avoid losing it after endless calls",
    "help me stop frying my brain on calls",
    "how do i stop burning out on the phones",
    "my brain is fried after every shift on the phones, how do i cope",
    "how do i stop feeling so drained by calls",
)


def burnout_gap(engine: Engine) -> str:
    """The first candidate the engine is unsure about, suggesting the burnout entry."""
    for question in CANDIDATES:
        a = engine.ask(question)
        if a.outcome is Outcome.UNSURE and BURNOUT in [s.entry_id for s in a.suggestions]:
            return question
    raise AssertionError(f"no candidate gap is unsure with {BURNOUT} suggested: {CANDIDATES}")
