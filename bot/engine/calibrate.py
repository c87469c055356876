"""Answer/unsure thresholds fitted on held-out predictions, and the cross-validation report.

Every phrasing and declined example was scored by a model that never saw it
(bot/engine/classifier.py ``cross_validate``), so its top probability and whether the top
target was right say how the engine does on questions it has not seen. Answering costs

    missed answers + WRONG_COST x wrong answers + DECLINE_COST x declined examples answered

(rates; a wrong answer with citations is the worst outcome), so a question is worth
answering where a right answer is more likely than those costs weigh: the answer threshold
is where a logistic curve fitted to the weighted outcomes (right: 1; wrong: WRONG_COST;
declined: DECLINE_COST, each as a rate of its kind) against the log-odds of the top
probability crosses one half. It uses every prediction, not only those near the threshold:
the minimum of the cost itself is flat and moved by 0.03 with ten phrasings added (bootstrap
spread 0.018-0.025, the fitted curve's 0.009-0.013). A top the nearest phrasings do not point
to (bot/engine/neighbours.py) is right less often at the same probability: the same rule on
those predictions alone gives the ``held`` threshold such a top is answered from (0.38 on
the CSR knowledge, against 0.27). The unsure threshold, compared
to the combined probability of the three suggestions of a question not answered, trades
declined examples shown suggestions against in-scope questions whose right entry would be
among them, each as a rate: where a logistic curve of the one against the other crosses one
half (the middle of the thresholds within COST_TIE of the least cost when one kind is
missing).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

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
    agreed: bool = True
    """Is the top target among the nearest phrasings' best (bot/engine/neighbours.py)?"""

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
    held_threshold: float
    """The answer threshold where the nearest phrasings disagree with the classifier."""
    misses: tuple[tuple[str, str, str], ...] = field(default_factory=tuple)
    """(phrasing, its entry, the entry it went to)."""


class Thresholds(NamedTuple):
    answer: float
    """Answer a top target the nearest phrasings agree with from this probability."""
    unsure: float
    """Suggest when the three suggestions' combined probability reaches this."""
    held: float
    """Answer a top target the nearest phrasings disagree with from this probability (at
    least ``answer``)."""


def fit_thresholds(outcomes: Sequence[Outcome]) -> Thresholds:
    """The answer threshold (fitted on every prediction), the held threshold (the same rule
    on the predictions whose top the nearest phrasings disputed; never lower) and the unsure
    threshold."""
    ins = [o for o in outcomes if not o.declined_example]
    outs = [o for o in outcomes if o.declined_example]
    if not ins:
        return Thresholds(0.6, 0.35, 0.6)
    p_in = np.asarray([o.prob for o in ins])
    right = np.asarray([o.right for o in ins])
    top3 = np.asarray([o.in_top3 for o in ins])
    agreed_in = np.asarray([o.agreed for o in ins], dtype=bool)
    p_out = np.asarray([o.prob for o in outs]) if outs else np.zeros(0)
    agreed_out = np.asarray([o.agreed for o in outs], dtype=bool)
    rates = (len(p_in), len(p_out))
    best_a = _answer_threshold(p_in, right, p_out, rates)
    # Where the nearest phrasings point elsewhere, the same rule on those predictions alone,
    # never lower. Not lower where they agree either: a phrasing left out often has a near
    # copy in the other folds, so agreement is more common, and more often right, here than
    # on members' questions.
    held = best_a
    if not agreed_in.all():
        disputed = _answer_threshold(p_in[~agreed_in], right[~agreed_in], p_out[~agreed_out], rates)
        held = max(best_a, disputed)
    answered_in = p_in >= np.where(agreed_in, best_a, held)
    answered_out = p_out >= np.where(agreed_out, best_a, held)
    # Not answered, a question gets "did you mean" when its three suggestions together are
    # likely enough to hold what it asks (their combined probability: it tells an in-scope
    # question spread over near entries from an off-topic one better than the top alone).
    m_in = np.asarray([o.mass for o in ins])
    m_out = np.asarray([o.mass for o in outs]) if outs else np.zeros(0)
    u_costs = []
    for g in GRID:
        band_in = (m_in >= g) & ~answered_in
        cost = -UNSURE_GAIN * float((band_in & top3).mean())
        if len(p_out):
            cost += UNSURE_DECLINE_COST * float(((m_out >= g) & ~answered_out).mean())
        u_costs.append(cost)
    if min(u_costs) >= 0:
        return Thresholds(best_a, 1.0, held)  # no band at all unless one pays
    # The cost is flat (one declined example more or less shown suggestions is 0.006 on the
    # CSR knowledge, as much as 17 in-scope questions): its minimum moved 0.32-0.47 with the
    # folds' seed alone. Where a logistic curve of "the right entry is among the suggestions"
    # against "a declined example" (each as a rate), over the log-odds of the suggestions'
    # combined probability, crosses one half moved 0.33-0.41.
    helped = m_in[~answered_in & top3]  # not answered, the right entry suggested
    shown = m_out[~answered_out]  # declined examples not answered
    crossing = _crossing(
        np.concatenate([helped, shown]),
        np.concatenate([np.ones(len(helped), dtype=bool), np.zeros(len(shown), dtype=bool)]),
        np.concatenate(
            [np.full(len(helped), 1.0 / len(m_in)), np.full(len(shown), 1.0 / max(len(m_out), 1))]
        ),
    )
    if crossing is not None:
        return Thresholds(best_a, crossing, held)
    return Thresholds(best_a, _middle_of_near_best(u_costs), held)  # one kind only


def _answer_threshold(
    p_in: npt.NDArray[np.floating],
    right: npt.NDArray[np.bool_],
    p_out: npt.NDArray[np.floating],
    rates: tuple[int, int],
) -> float:
    """Where answering starts to pay for these predictions: in-scope (``p_in``, ``right``)
    and declined examples (``p_out``), each weighing as a rate of all of its kind
    (``rates``: how many in-scope and declined predictions there are in all). ``p_in`` is
    never empty: fit_thresholds returns before without in-scope predictions, and asks for
    the disputed ones only when there are some."""
    n_in, n_out = rates[0], max(rates[1], 1)
    weight = np.concatenate(  # each kind as a rate, times what answering it costs
        [np.where(right, 1.0, WRONG_COST) / n_in, np.full(len(p_out), DECLINE_COST / n_out)]
    )
    best = _crossing(
        np.concatenate([p_in, p_out]),
        np.concatenate([right, np.zeros(len(p_out), dtype=bool)]),
        weight,
    )
    if best is not None:
        return best
    # All right (or all wrong): no curve to fit. The cost is then flat up to the lowest
    # right answer; the middle of the thresholds within COST_TIE of the least (the lowest
    # left no unsure band below it).
    costs = []
    for g in GRID:
        answered = p_in >= g
        cost = (
            float((right & ~answered).sum()) / n_in
            + WRONG_COST * float((~right & answered).sum()) / n_in
        )
        cost += DECLINE_COST * float((p_out >= g).sum()) / n_out
        costs.append(cost)
    return _middle_of_near_best(costs)


def _middle_of_near_best(costs: Sequence[float]) -> float:
    """The threshold of GRID nearest the middle of those whose cost is within COST_TIE of
    the least (a flat cost: not its lowest or highest edge, which single examples move)."""
    lowest = min(costs)
    near = [float(g) for g, c in zip(GRID, costs, strict=True) if c <= lowest + COST_TIE]
    return float(GRID[int(np.argmin(np.abs(GRID - (near[0] + near[-1]) / 2)))])


RIDGE = 1e-4
"""Keeps the fitted curve finite when right and wrong are cleanly apart (then it crosses
between them)."""


def _crossing(
    score: npt.NDArray[np.floating], good: npt.NDArray[np.bool_], weight: npt.NDArray[np.floating]
) -> float | None:
    """Where a weighted logistic regression of ``good`` on the log-odds of ``score`` crosses
    one half (on GRID), or None when it cannot say (one kind only, or no rising curve)."""
    if good.all() or not good.any():
        return None
    p = np.clip(np.asarray(score, dtype=np.float64), 1e-4, 1 - 1e-4)
    x = np.stack([np.ones(len(p)), np.log(p / (1 - p))], axis=1)
    y = good.astype(np.float64)
    w = np.asarray(weight, dtype=np.float64)
    w = w / w.sum()
    beta = np.zeros(2)
    for _ in range(100):  # Newton's method on two parameters: a few steps suffice
        mu = 1.0 / (1.0 + np.exp(-(x @ beta)))
        grad = x.T @ (w * (y - mu)) - RIDGE * beta
        hess = (x * (w * mu * (1 - mu))[:, None]).T @ x + RIDGE * np.eye(2)
        step = np.linalg.solve(hess, grad)
        beta += step
        if np.abs(step).max() < 1e-9:
            break
    a, b = float(beta[0]), float(beta[1])
    if b <= 0:
        return None
    t = 1.0 / (1.0 + np.exp(a / b))
    return float(np.clip(np.round(t, 2), GRID[0], GRID[-1]))
