"""Any valid knowledge folder loads: Q&A topics are free slugs, synonyms.yaml is optional,
and the default career follows the folder (issue 9, item 5)."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.knowledge.loader import load_knowledge
from bot.knowledge.model import SynonymsFile
from tests.knowledge.test_loader import edit, line_of, problems

QA = "knowledge/careers/alpha-rep/qa/main.yaml"


def test_qa_topic_accepts_any_lowercase_slug(tree: Path) -> None:
    path = tree / "careers/alpha-rep/qa/main.yaml"
    edit(path, "    topic: salary", "    topic: card-payments")
    edit(path, "    topic: getting_started", "    topic: top_up2")
    kb = load_knowledge(tree)
    assert kb.entries["alpha-rep-pay"].topic == "card-payments"
    assert kb.entries["alpha-rep-start"].topic == "top_up2"


def test_qa_topic_must_still_be_a_slug(tree: Path) -> None:
    path = tree / "careers/alpha-rep/qa/main.yaml"
    edit(path, "    topic: salary", "    topic: Card Payments")
    found = [line for line in problems(tree) if line.startswith(QA)]
    assert len(found) == 1
    assert found[0].startswith(f"{QA}:{line_of(path, 'topic: Card')}:")


def test_synonyms_file_is_optional(tree: Path) -> None:
    (tree / "synonyms.yaml").unlink()
    kb = load_knowledge(tree)
    assert kb.synonyms == SynonymsFile()
    assert len(kb.entries) == 4


def test_default_career_is_the_configured_one_only_when_the_folder_has_it(tree: Path) -> None:
    kb = load_knowledge(tree)
    assert kb.default_career_for("beta-clerk") == "beta-clerk"
    # Not in this folder: the career with the most entries (ties: first slug).
    assert kb.default_career_for("customer-service-representative") == "alpha-rep"
    extra = tree / "careers/beta-clerk/qa/more.yaml"
    shutil.copy(tree / "careers/beta-clerk/qa/main.yaml", extra)
    text = extra.read_text(encoding="utf-8").replace("beta-clerk-", "beta-clerk-more-")
    extra.write_text(text.replace("[beta-clerk-more-median-new]", "[]"), encoding="utf-8")
    assert load_knowledge(tree).default_career_for("nurse") == "beta-clerk"


def test_one_career_folder_defaults_to_that_career(tree: Path) -> None:
    shutil.rmtree(tree / "careers/beta-clerk")
    edit(tree / "careers/alpha-rep/career.yaml", "related: [beta-clerk]", "related: []")
    kb = load_knowledge(tree)
    assert kb.default_career_for("customer-service-representative") == "alpha-rep"
