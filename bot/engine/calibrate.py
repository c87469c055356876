"""Answer/unsure thresholds fitted on held-out predictions, and the cross-validation report.

Every phrasing and declined example was scored by a model that never saw it
(bot/engine/classifier.py ``cross_validate``), so its top probability and whether the top
target was right say how the engine does on questions it has not seen. The answer threshold
is the middle of those within COST_TIE of the least

    missed answers + WRONG_COST x wrong answers + DECLINE_COST x declined examples answered

(rates; a wrong answer with citations is the worst outcome). The unsure threshold, compared
to the combined probability of the three suggestions of a question not answered, trades
declined examples shown suggestions against in-scope questions whose right entry would be
among them (the highest of those within COST_TIE of the least cost).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

WRONG_COST = 1.25
"""A wrong answer (with citations) costs more than an answer missed."""
DECLINE_COST = 0.1
"""An answered declined example, next to in-scope phrasings; off-topic messages are mostly
caught by the "none of these" class itself, so this only breaks near ties."""
COST_TIE = 0.005
UNSURE_DECLINE_COST = 1.0
UNSURE_GAIN = 1.0
GRID = np.round(np.arange(0.10, 0.96, 0.01), 2)
"""Thresholds tried; below 0.10 a top answer is a guess among many, whatever the data say."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """One held-out prediction: top probability, right?, right target in the top three?"""

    prob: float
    right: bool
    in_top3: bool
    declined_example: bool
    suggested: float | None = None
    """Combined probability of the top three (what the unsure threshold is compared to);
    None: ``prob``."""

    @property
    def mass(self) -> float:
        return self.prob if self.suggested is None else self.suggested


@dataclass(frozen=True, slots=True)
class Report:
    """What ``python -m bot check`` prints about the trained model."""

    asked: int
    """Phrasings asked with themselves left out (a sample when the knowledge is large)."""
    accuracy: float
    """Share of those whose best target was their own."""
    declined_asked: int
    declined_right: float
    """Share of the declined examples (each left out) the engine declines."""
    answer_threshold: float
    unsure_threshold: float
    misses: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)
    """(phrasing, its entry, the entry it went to)."""


def fit_thresholds(outcomes: Sequence[Outcome]) -> tuple[float, float]:
    """(answer threshold, unsure threshold)."""
    ins = [o for o in outcomes if not o.declined_example]
    outs = [o for o in outcomes if o.declined_example]
    if not ins:
        return 0.6, 0.35
    p_in = np.asarray([o.prob for o in ins])
    right = np.asarray([o.right for o in ins])
    top3 = np.asarray([o.in_top3 for o in ins])
    p_out = np.asarray([o.prob for o in outs]) if outs else np.zeros(0)
    costs = []
    for g in GRID:
        answered = p_in >= g
        cost = float((right & ~answered).mean()) + WRONG_COST * float((~right & answered).mean())
        if len(p_out):
            cost += DECLINE_COST * float((p_out >= g).mean())
        costs.append(cost)
    # The cost is flat near its minimum (on the CSR knowledge, 0.15-0.30 cost within 0.005 of
    # each other): take the middle of the thresholds within COST_TIE of the least. Either end
    # of that region jumps with one phrasing added, and with the lowest the unsure band below
    # it vanished; among thresholds that cost the same, the middle answers fewer wrong.
    near = _near_best(costs)
    best_a = float(GRID[int(np.argmin(np.abs(GRID - (near[0] + near[-1]) / 2)))])
    # Not answered, a question gets "did you mean" when its three suggestions together are
    # likely enough to hold what it asks (their combined probability: it tells an in-scope
    # question spread over near entries from an off-topic one better than the top alone).
    m_in = np.asarray([o.mass for o in ins])
    m_out = np.asarray([o.mass for o in outs]) if outs else np.zeros(0)
    u_costs = []
    for g in GRID:
        band_in = (m_in >= g) & (p_in < best_a)
        cost = -UNSURE_GAIN * float((band_in & top3).mean())
        if len(p_out):
            cost += UNSURE_DECLINE_COST * float(((m_out >= g) & (p_out < best_a)).mean())
        u_costs.append(cost)
    # Flat too (one declined example more or less shown suggestions is 0.006 on the CSR
    # knowledge): among the thresholds within COST_TIE of the least, the highest, which
    # offers an off-topic message suggestions least. No band at all unless one pays.
    if min(u_costs) >= 0:
        return best_a, 1.0
    return best_a, _near_best(u_costs)[-1]


def _near_best(costs: Sequence[float]) -> list[float]:
    """The thresholds of GRID (ascending) whose cost is within COST_TIE of the least."""
    lowest = min(costs)
    return [float(g) for g, c in zip(GRID, costs, strict=True) if c <= lowest + COST_TIE]
