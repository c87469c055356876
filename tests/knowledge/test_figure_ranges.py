"""Figures must be finite and sane for their unit (issue 11, item 5): NaN, infinite and negative
pay used to pass ``check`` and reach members as "$nan" or "-$39,340/year"."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from bot.knowledge.base import KnowledgeError
from bot.knowledge.figures import GROWTH, SPANS, check_number, span_for
from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import Metric

FACTS = "careers/alpha-rep/facts.yaml"
LEVELS = "careers/alpha-rep/levels.yaml"


def problems(root: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(root)
    return [str(p) for p in info.value.problems]


def replace(root: Path, rel: str, old: str, new: str) -> int:
    """Replace ``old`` once in ``rel``; return the 1-based line it is on."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    before = text[: text.index(old)]
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return before.count("\n") + 1


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        (".nan", ".nan, not a number"),
        (".NaN", ".nan, not a number"),
        ("nan", ".nan, not a number"),
        (".inf", ".inf, not a number"),
        ("-.inf", "-.inf, not a number"),
        ("-39340", "-39,340; a yearly pay in dollars must be between 1,000 and 5,000,000"),
        ("0", "0; a yearly pay in dollars must be between"),
        ("20.59", "20.59; a yearly pay in dollars must be between"),  # hourly figure, wrong unit
        ("4283000000", "4,283,000,000; a yearly pay in dollars must be between"),
    ],
)
def test_a_bad_yearly_pay_is_a_problem_at_its_line(tree: Path, written: str, shown: str) -> None:
    line = replace(tree, FACTS, "value: 42830", f"value: {written}")
    lines = problems(tree)
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"knowledge/{FACTS}:{line}:"), lines
    assert f"'value' is {shown}" in lines[0]


def test_negative_growth_is_valid_but_not_below_minus_100_percent(tree: Path) -> None:
    facts = tree / FACTS
    growth = (
        "  - id: alpha-rep-growth\n    metric: growth\n    value: {v}\n    unit: percent\n"
        "    leading: true\n    sources: [src-new]\n"
    )
    base = facts.read_text(encoding="utf-8")
    facts.write_text(base + growth.format(v=-5), encoding="utf-8")
    assert load_knowledge(tree).careers["alpha-rep"].facts[-1].value == -5
    facts.write_text(base + growth.format(v=-150), encoding="utf-8")
    lines = problems(tree)
    assert len(lines) == 1 and "'value' is -150; a growth rate in percent" in lines[0], lines


@pytest.mark.parametrize(
    ("metric", "unit", "value", "ok"),
    [
        ("automation_risk", "percent", 65, True),
        ("automation_risk", "percent", 150, False),
        ("automation_risk", "percent", -1, False),
        ("employment", "count", 153700, True),
        ("employment", "count", -10, False),
        ("employment", "count", 1.5, False),
        ("work_life_rating", "score_10", 7.3, True),
        ("work_life_rating", "score_10", 11, False),
        ("median_pay_hourly", "usd_per_hour", 20.59, True),
        ("median_pay_hourly", "usd_per_hour", 42830, False),
        ("training_length", "weeks", 6, True),
        ("training_length", "years", -2, False),
    ],
)
def test_each_unit_has_a_sane_range(
    tree: Path, metric: str, unit: str, value: float, ok: bool
) -> None:
    facts = tree / FACTS
    facts.write_text(
        facts.read_text(encoding="utf-8")
        + f"  - id: alpha-rep-extra\n    metric: {metric}\n    value: {value}\n"
        f"    unit: {unit}\n    leading: true\n    sources: [src-new]\n",
        encoding="utf-8",
    )
    if ok:
        load_knowledge(tree)
    else:
        lines = problems(tree)
        assert len(lines) == 1 and f"'value' is {value:g}" in lines[0].replace(",", ""), lines


def test_a_range_with_a_nan_end_is_a_problem(tree: Path) -> None:
    """``low > high`` is false for NaN, so the model's own range check let it through."""
    facts = tree / FACTS
    facts.write_text(
        facts.read_text(encoding="utf-8")
        + "  - id: alpha-rep-range\n    metric: pay_range_annual\n    low: .nan\n"
        "    high: 50000\n    unit: usd_per_year\n    leading: true\n    sources: [src-new]\n",
        encoding="utf-8",
    )
    lines = problems(tree)
    assert len(lines) == 1 and "'low' is .nan, not a number" in lines[0], lines


def test_level_salaries_and_years_are_checked(tree: Path) -> None:
    low_line = replace(tree, LEVELS, "low: 28000", "low: -28000")
    high_line = replace(tree, LEVELS, "high: 95000", "high: .inf")
    lines = problems(tree)
    assert lines == [
        f"knowledge/{LEVELS}:{low_line}:12: 'low' is -28,000; a yearly pay in dollars must be "
        "between 1,000 and 5,000,000",
        f"knowledge/{LEVELS}:{high_line}:13: 'high' is .inf, not a number: write the figure "
        "as digits",
    ]


def test_level_years_are_sane_and_ordered(tree: Path) -> None:
    replace(tree, LEVELS, "    experience: 0–2 years\n", "    min_years: 5\n    max_years: 2\n")
    lines = problems(tree)
    assert len(lines) == 1 and "'min_years' is greater than 'max_years'" in lines[0], lines


def test_every_span_rejects_non_finite_and_out_of_range_values() -> None:
    for unit, span in SPANS.items():
        for bad in (math.nan, math.inf, -math.inf, span.low - 1, span.high + 1):
            assert check_number("value", bad, span) is not None, (unit, bad)
        assert check_number("value", span.low, span) is None, unit
        assert check_number("value", span.high, span) is None, unit
    assert span_for("percent", Metric.GROWTH) is GROWTH
    assert check_number("value", math.nan, None) is not None  # a figure without a unit too
