"""Sanity of the numbers in the knowledge: every figure finite and in a sane range for its unit.

YAML reads ``.nan``, ``.inf`` and ``nan`` as floats and the models accept any float, so without
this check members were shown "Teller earns $nan more" or "-$39,340/year". Pure functions: the
loader turns each ``(field, message)`` into a ``path:line:column`` problem.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bot.knowledge.model import CareerLevel, Fact, Metric, SalaryRange, Unit


@dataclass(frozen=True, slots=True)
class Span:
    """The sane values of a unit, inclusive, and how to say it."""

    low: float
    high: float
    what: str
    whole: bool = False

    def describe(self) -> str:
        return f"{self.what} must be between {_num(self.low)} and {_num(self.high)}"


YEARLY_PAY = Span(1_000, 5_000_000, "a yearly pay in dollars")
HOURLY_PAY = Span(1, 1_000, "an hourly pay in dollars")
SHARE = Span(0, 100, "a percentage")
GROWTH = Span(-100, 1_000, "a growth rate in percent")
COUNT = Span(0, 1_000_000_000, "a count", whole=True)
SCORE_10 = Span(0, 10, "a score out of 10")
WEEKS = Span(0, 520, "a number of weeks")
YEARS = Span(0, 80, "a number of years")

SPANS: dict[str, Span] = {
    "usd_per_year": YEARLY_PAY,
    "usd_per_hour": HOURLY_PAY,
    "percent": SHARE,
    "count": COUNT,
    "score_10": SCORE_10,
    "weeks": WEEKS,
    "years": YEARS,
}
"""Unit -> its sane values (``percent`` of a growth metric: :data:`GROWTH`, it may be negative)."""

FieldProblem = tuple[str, str]
"""(field name, message), e.g. ``("value", "value .nan is not a number …")``."""


def _num(value: float) -> str:
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    if value == int(value):
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def span_for(unit: Unit | None, metric: Metric | None = None) -> Span | None:
    if unit == "percent" and metric in (Metric.GROWTH, Metric.OTHER):
        return GROWTH
    return SPANS.get(unit) if unit is not None else None


def check_number(name: str, value: float | None, span: Span | None) -> FieldProblem | None:
    """One problem for ``value`` if it is not finite or outside ``span``; None if fine."""
    if value is None:
        return None
    if not math.isfinite(value):
        return name, f"'{name}' is {_num(value)}, not a number: write the figure as digits"
    if span is None:
        return None
    if not span.low <= value <= span.high:
        return name, f"'{name}' is {_num(value)}; {span.describe()}"
    if span.whole and value != int(value):
        return name, f"'{name}' is {_num(value)}; {span.what} must be a whole number"
    return None


def fact_problems(fact: Fact) -> list[FieldProblem]:
    """Every number of ``fact`` that is not finite or not sane for its unit."""
    span = span_for(fact.unit, fact.metric)
    found = [check_number(name, getattr(fact, name), span) for name in ("value", "low", "high")]
    return [p for p in found if p is not None]


def salary_problems(salary: SalaryRange) -> list[FieldProblem]:
    """A level's salary range is yearly pay."""
    found = [check_number(name, getattr(salary, name), YEARLY_PAY) for name in ("low", "high")]
    return [p for p in found if p is not None]


def level_problems(level: CareerLevel) -> list[FieldProblem]:
    """A level's years of experience: sane, and the minimum not above the maximum."""
    found = [check_number(n, getattr(level, n), YEARS) for n in ("min_years", "max_years")]
    problems = [p for p in found if p is not None]
    low, high = level.min_years, level.max_years
    if not problems and low is not None and high is not None and low > high:
        problems.append(("min_years", "'min_years' is greater than 'max_years'"))
    return problems
