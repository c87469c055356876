"""Every figure in the knowledge files appears in a seed document (no invented numbers).

Money ($ amounts and fact values with a usd_* unit, level salary ranges), percentages (text
and fact values with unit percent) and counts of 1,000 or more are compared as numbers, so
``42830`` in a fact matches ``$42,830`` or ``$42,830.00`` in a seed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bot.knowledge.yamlread import read_yaml
from tests.paths import find_seeds_dir

REPO = Path(__file__).resolve().parents[2]
KNOWLEDGE = REPO / "knowledge"
SEEDS = find_seeds_dir()

NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
MONEY_RE = re.compile(r"\$\s?(" + NUMBER + ")")
PERCENT_RE = re.compile(r"(" + NUMBER + r")\s?(?:%|percent\b)")
ANY_RE = re.compile(NUMBER)
# Keys whose strings are identifiers or file names, not prose.
NOT_PROSE = {"id", "sources", "related", "facts", "seed", "slug", "soc_code"}


def norm(text: str | float) -> Decimal:
    """'42,830', '42830', '42830.00' and 42830.0 all become Decimal('42830')."""
    value = Decimal(str(text).replace(",", ""))
    return abs(value).normalize()


def seed_figures(folder: Path) -> tuple[set[Decimal], set[Decimal]]:
    """(every number in the seeds, numbers written as percentages in the seeds)."""
    numbers: set[Decimal] = set()
    percents: set[Decimal] = set()
    for path in folder.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        numbers |= {norm(m) for m in ANY_RE.findall(text)}
        percents |= {norm(m) for m in PERCENT_RE.findall(text)}
    return numbers, percents


def _strings(data: Any, key: str | None = None) -> Iterator[str]:
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _strings(v, str(k))
    elif isinstance(data, list):
        for item in data:
            yield from _strings(item, key)
    elif isinstance(data, str) and key not in NOT_PROSE:
        yield data


def knowledge_figures(root: Path) -> Iterator[tuple[str, str, Decimal]]:
    """(file, what, number) for every checked figure under ``root``."""
    for path in sorted(root.rglob("*.yaml")):
        rel = path.relative_to(root).as_posix()
        doc = read_yaml(path)
        assert not isinstance(doc, list), f"{rel} does not read: {doc}"
        for text in _strings(doc.data):
            for m in MONEY_RE.findall(text):
                yield rel, f"${m}", norm(m)
            for m in PERCENT_RE.findall(text):
                yield rel, f"{m}%", norm(m)
            for m in ANY_RE.findall(text):
                if norm(m) >= 1000:
                    yield rel, m, norm(m)
        data = doc.data if isinstance(doc.data, dict) else {}
        for fact in data.get("facts", []) if path.name == "facts.yaml" else []:
            unit = str(fact.get("unit") or "")
            for key in ("value", "low", "high"):
                value = fact.get(key)
                if not isinstance(value, int | float) or isinstance(value, bool):
                    continue
                if unit.startswith("usd_") or unit == "percent" or abs(value) >= 1000:
                    yield rel, f"{fact.get('id')}.{key}={value} {unit}", norm(value)
        for level in data.get("levels", []) if path.name == "levels.yaml" else []:
            salary = level.get("salary") or {}
            for key in ("low", "high"):
                if isinstance(salary.get(key), int | float):
                    yield rel, f"{level.get('level')} salary.{key}", norm(salary[key])


def unsupported(root: Path, seeds: Path) -> list[str]:
    numbers, percents = seed_figures(seeds)
    bad = []
    for rel, what, value in knowledge_figures(root):
        pool = percents if what.endswith("%") or what.endswith(" percent") else numbers
        if value not in pool:
            bad.append(f"{rel}: {what} is not in any seed document")
    return bad


def test_checker_matches_formats_and_catches_invented_figures(tree: Path, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text(
        "2024 median $42,830.00 a year; May 2021 \\$36,920. Lower $30,000 and 37,230 too. Range "
        "28,000–42,000, 60,000–95,000+; growth -5% of 153,700 jobs.",
        encoding="utf-8",
    )
    assert unsupported(tree, seeds) == []
    facts = tree / "careers/alpha-rep/facts.yaml"
    facts.write_text(
        facts.read_text(encoding="utf-8").replace("value: 42830", "value: 42831"), encoding="utf-8"
    )
    career = tree / "careers/beta-clerk/career.yaml"
    career.write_text(
        career.read_text(encoding="utf-8").replace("help people.", "grow 7% a year."),
        encoding="utf-8",
    )
    assert unsupported(tree, seeds) == [
        "careers/alpha-rep/facts.yaml: alpha-rep-median-new.value=42831 usd_per_year "
        "is not in any seed document",
        "careers/beta-clerk/career.yaml: 7% is not in any seed document",
    ]


def test_shipped_figures_come_from_seeds() -> None:
    if SEEDS is None:
        pytest.skip("seed documents (shared/seeds beside the checkout) not found")
    bad = unsupported(KNOWLEDGE, SEEDS)
    assert not bad, f"{len(bad)} figure(s) not found in the seeds:\n" + "\n".join(bad)
