"""Problem lists are bounded (issue 11, item 8): repeats grouped, the list capped, with counts.

One alias used 20,000 times printed 20,001 identical lines (2.4 MB); 48,000 problems 9.2 MB.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.knowledge.base import Problem
from bot.knowledge.report import MAX_SHOWN, problem_lines, summary
from tests.paths import ROOT

QA = "careers/alpha-rep/qa"


def test_identical_problems_are_one_line_with_a_count() -> None:
    problems = [Problem("k/a.yaml", 8, 15, "unknown entry 'nope'")] * 20_000
    assert problem_lines(problems) == [
        "k/a.yaml:8:15: unknown entry 'nope' (… and 19,999 more like this)"
    ]
    assert summary(problems) == "20,000 problem(s) found"


def test_the_same_message_on_other_lines_names_a_few_of_them() -> None:
    problems = [Problem("k/a.yaml", n, 3, "the answer says $1") for n in (4, 9, 12, 20, 31, 40, 55)]
    problems.append(Problem("k/b.yaml", 2, 1, "the answer says $1"))
    assert problem_lines(problems) == [
        "k/a.yaml:4:3: the answer says $1 (… and 6 more like this on lines 9, 12, 20, 31, 40, …)",
        "k/b.yaml:2:1: the answer says $1",
    ]


def test_the_list_is_capped_with_a_count_of_the_rest() -> None:
    problems = [Problem(f"k/{n}.yaml", 1, 1, f"unknown source 's{n}'") for n in range(48_000)]
    lines = problem_lines(problems)
    assert len(lines) == MAX_SHOWN + 1
    assert lines[:2] == ["k/0.yaml:1:1: unknown source 's0'", "k/1.yaml:1:1: unknown source 's1'"]
    assert lines[-1] == f"… and {48_000 - MAX_SHOWN:,} more problem(s) not shown (48,000 in all)"
    assert problem_lines(problems[:3]) == [str(p) for p in problems[:3]]


def test_check_output_stays_small_for_an_alias_repeated_thousands_of_times(tree: Path) -> None:
    aliases = ", ".join(["*r"] * 5_000)
    (tree / QA / "bomb.yaml").write_text(
        "entries:\n  - id: alpha-rep-bomb\n    topic: salary\n    question: A question?\n"
        "    phrasings: [a b, c d]\n    answer: x\n    sources: [src-new]\n"
        f"    related: [&r nope, {aliases}]\n",
        encoding="utf-8",
    )
    rows = ["entries:\n"]
    for i in range(300):
        rows.append(
            f"  - id: alpha-rep-x{i}\n    topic: salary\n    question: q{i}?\n"
            f"    phrasings: [a b, c d]\n    answer: x\n    sources: [no-such-{i}]\n"
        )
    (tree / QA / "many.yaml").write_text("".join(rows), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bot", "check", str(tree)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr
    out = done.stdout.splitlines()
    assert out[0] == (
        f"knowledge/{QA}/bomb.yaml:8:15: unknown entry 'nope' (… and 5,000 more like this)"
    )
    assert len(out) == MAX_SHOWN + 2, out[-3:]
    assert out[-2] == f"… and {300 - (MAX_SHOWN - 1)} more problem(s) not shown (5,301 in all)"
    assert out[-1] == "5,301 problem(s) found"
    assert len(done.stdout) < 8_000
