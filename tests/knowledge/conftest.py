"""A small valid knowledge tree in tmp_path, for loader and quick-fact tests."""

from __future__ import annotations

from pathlib import Path

import pytest

SOURCES = """\
# yaml-language-server: $schema=schema/sources.schema.json
sources:
  - id: src-new
    title: New Profile
    period: "2024"
    kind: profile
    seed: 000.txt
  - id: src-old
    title: Old Article
    period: May 2021
    kind: article
    seed: 003.txt
"""

CAREER = """\
# yaml-language-server: $schema=../../schema/career.schema.json
career:
  slug: {slug}
  name: {name}
  summary: {name} help people.
  related: [{related}]
  sources: [src-new]
"""

FACTS = """\
# yaml-language-server: $schema=../../schema/facts.schema.json
facts:
  - id: {slug}-median-new
    metric: median_pay_annual
    label: Median pay
    value: {pay}
    unit: usd_per_year
    period: "2024"
    leading: true
    sources: [src-new]
  - id: {slug}-median-old
    metric: median_pay_annual
    label: Median pay
    value: {old_pay}
    unit: usd_per_year
    period: May 2021
    sources: [src-old]
  - id: {slug}-education
    metric: education
    text: High school diploma
    leading: true
    sources: [src-new]
"""

LEVELS = """\
# yaml-language-server: $schema=../../schema/levels.schema.json
levels:
  - level: entry
    name: Entry level
    experience: 0–2 years
    salary:
      low: 28000
      high: 42000
      sources: [src-new]
    sources: [src-new]
  - level: senior
    name: Senior level
    salary:
      low: 60000
      high: 95000
      open_ended: true
      sources: [src-new]
    sources: [src-new]
ladders:
  - id: {slug}-ladder
    name: Typical path
    steps:
      - title: Associate
      - title: Lead
    sources: [src-old]
"""

LISTS = """\
# yaml-language-server: $schema=../../schema/lists.schema.json
skills:
  - name: Listening
    sources: [src-new]
certifications:
  - name: Example Certificate
    issuer: Example Body
    sources: [src-new]
"""

QA = """\
# yaml-language-server: $schema=../../../schema/qa.schema.json
entries:
  - id: {slug}-pay
    topic: salary
    question: How much does a {slug} earn?
    phrasings: [{slug} pay, {slug} salary]
    answer: Around the median.
    facts: [{slug}-median-new]
    sources: [src-new]
    related: [{slug}-start]
  - id: {slug}-start
    topic: getting_started
    question: How do I become a {slug}?
    phrasings: [become {slug}, start as {slug}]
    answer: Apply.
    sources: [src-new]
"""

CAREERS = {
    "alpha-rep": ("Alpha Rep", "beta-clerk", 42830, 36920),
    "beta-clerk": ("Beta Clerk", "alpha-rep", 37230, 30000),
}


def make_tree(base: Path) -> Path:
    """Write a valid knowledge folder at ``base/knowledge`` and return it."""
    root = base / "knowledge"
    (root / "careers").mkdir(parents=True)
    (root / "sources.yaml").write_text(SOURCES, encoding="utf-8")
    (root / "synonyms.yaml").write_text(
        "# yaml-language-server: $schema=schema/synonyms.schema.json\n"
        "replacements:\n  ar: alpha rep\nlevels:\n  entry: [junior]\n",
        encoding="utf-8",
    )
    for slug, (name, related, pay, old_pay) in CAREERS.items():
        folder = root / "careers" / slug
        (folder / "qa").mkdir(parents=True)
        fmt = {"slug": slug, "name": name, "related": related, "pay": pay, "old_pay": old_pay}
        (folder / "career.yaml").write_text(CAREER.format(**fmt), encoding="utf-8")
        (folder / "facts.yaml").write_text(FACTS.format(**fmt), encoding="utf-8")
        (folder / "levels.yaml").write_text(LEVELS.format(**fmt), encoding="utf-8")
        (folder / "lists.yaml").write_text(LISTS, encoding="utf-8")
        (folder / "qa" / "main.yaml").write_text(QA.format(**fmt), encoding="utf-8")
    return root


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    return make_tree(tmp_path)
