"""Answers must agree with the figures (issue 11, item 6): changing ``value: 42830`` to
``44100`` in facts.yaml used to pass ``check``; only a pytest test noticed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from bot.knowledge.base import KnowledgeError
from bot.knowledge.consistency import amounts, number, unbacked
from bot.knowledge.loader import load_knowledge
from tests.paths import KNOWLEDGE, ROOT

QA = "careers/alpha-rep/qa/main.yaml"
FACTS = "careers/alpha-rep/facts.yaml"


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(root: Path, rel: str, needle: str) -> tuple[int, int]:
    for number_, line in enumerate((root / rel).read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number_, line.index(needle) + 1
    raise AssertionError(needle)


def problems(root: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as info:
        load_knowledge(root)
    return [str(p) for p in info.value.problems]


@pytest.fixture
def priced(tree: Path) -> Path:
    """The small tree, with answers naming its own and its related career's figures."""
    edit(
        tree,
        QA,
        "answer: Around the median.",
        "answer: >-\n      The median is $42,830 a year, up from $36,920; entry pay is\n"
        "      $28,000–$42,000 and a beta clerk earns $37,230. Again: $42,830.",
    )
    return tree


def test_answers_naming_figures_of_the_career_and_related_careers_load(priced: Path) -> None:
    load_knowledge(priced)


def test_a_changed_figure_is_reported_at_each_answer_line_that_names_it(priced: Path) -> None:
    edit(priced, FACTS, "value: 42830", "value: 44100")
    first = line_of(priced, QA, "$42,830")
    second = line_of(priced, QA, "Again: $42,830")
    message = (
        "the answer says $42,830 but no figure of 'alpha-rep' or its related careers has that "
        "value (closest: 'alpha-rep-median-new' is $44,100); update the answer or the figure"
    )
    assert problems(priced) == [
        f"knowledge/{QA}:{first[0]}:{first[1]}: {message}",
        f"knowledge/{QA}:{second[0]}:{second[1] + len('Again: ')}: {message}",
    ]


def test_a_changed_level_salary_is_reported(priced: Path) -> None:
    for career in ("alpha-rep", "beta-clerk"):  # related careers back each other's figures
        edit(priced, f"careers/{career}/levels.yaml", "low: 28000", "low: 29000")
    lines = problems(priced)
    assert len(lines) == 1 and "the answer says $28,000 " in lines[0], lines


def test_the_issue_scenario_through_check(tmp_path: Path) -> None:
    """The shipped knowledge with the CSR median changed: ``check`` exits 1 naming answers."""
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root)
    facts = root / "careers/customer-service-representative/facts.yaml"
    text = facts.read_text(encoding="utf-8")
    assert "value: 42830" in text
    facts.write_text(text.replace("value: 42830", "value: 44100", 1), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "check", str(root)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    pay = "knowledge/careers/customer-service-representative/qa/pay.yaml"
    line = next(
        n
        for n, s in enumerate((root.parent / pay).read_text(encoding="utf-8").splitlines(), 1)
        if "$42,830" in s
    )
    assert f"{pay}:{line}:" in done.stdout
    assert "the answer says $42,830" in done.stdout


def test_amounts_are_read_as_numbers() -> None:
    text = "From $42,830.00 to $95,000+ or $ 20.59/hour, not 42,830 dollars or $x."
    assert [w for w, _ in amounts(text)] == ["$42,830.00", "$95,000", "$ 20.59"]
    assert number("$42,830.00") == Decimal("42830").normalize()
    known = {Decimal("42830").normalize(): "a", Decimal("95000").normalize(): "b"}
    assert unbacked(text, known) == [("$ 20.59", Decimal("20.59"))]
