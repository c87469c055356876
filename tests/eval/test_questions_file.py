"""Shape checks for tests/eval/questions.yaml and proof that every label comes from the seeds.

The evaluation set is only useful if its labels are independent of the engine and the knowledge
base: every ``expect`` string must be an exact (case-insensitive) substring of at least one seed
document in ``shared/seeds``. If a label is not in any seed, it was invented, and the test fails.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.paths import ROOT as REPO_ROOT
from tests.paths import find_seeds_dir

QUESTIONS = Path(__file__).resolve().with_name("questions.yaml")

MIN_IN_SCOPE = 220
MIN_DECLINE = 50


def load_seed_texts(seeds_dir: Path) -> dict[str, str]:
    """Seed file name -> case-folded text."""
    return {
        p.name: p.read_text(encoding="utf-8").casefold() for p in sorted(seeds_dir.glob("*.txt"))
    }


def labels_missing_from_seeds(data: dict[str, Any], seeds: dict[str, str]) -> list[str]:
    """Every ``expect`` label that is not an exact case-insensitive substring of any seed."""
    missing: list[str] = []
    for item in data["in_scope"]:
        for label in item["expect"]:
            needle = label.casefold()
            if not any(needle in text for text in seeds.values()):
                missing.append(f"{label!r} (question: {item['q']!r})")
    return missing


def question_key(question: str) -> str:
    """Duplicate detection ignores case and runs of whitespace, nothing else."""
    return re.sub(r"\s+", " ", question).strip().casefold()


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    loaded = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict), "questions.yaml must be a mapping"
    return loaded


def test_top_level_sections(data: dict[str, Any]) -> None:
    assert set(data) == {"in_scope", "decline"}
    assert isinstance(data["in_scope"], list)
    assert isinstance(data["decline"], list)


def test_counts(data: dict[str, Any]) -> None:
    assert len(data["in_scope"]) >= MIN_IN_SCOPE
    assert len(data["decline"]) >= MIN_DECLINE


def test_in_scope_items_have_question_and_labels(data: dict[str, Any]) -> None:
    for item in data["in_scope"]:
        assert isinstance(item, dict) and set(item) == {"q", "expect"}, item
        assert isinstance(item["q"], str) and item["q"].strip(), item
        labels = item["expect"]
        assert isinstance(labels, list) and labels, item
        for label in labels:
            assert isinstance(label, str) and label.strip(), item


def test_decline_items_have_only_a_question(data: dict[str, Any]) -> None:
    for item in data["decline"]:
        assert isinstance(item, dict) and set(item) == {"q"}, item
        assert isinstance(item["q"], str) and item["q"].strip(), item


def test_no_duplicate_questions(data: dict[str, Any]) -> None:
    keys = [question_key(item["q"]) for item in data["in_scope"] + data["decline"]]
    duplicates = sorted(k for k, n in Counter(keys).items() if n > 1)
    assert duplicates == []


def test_every_label_occurs_in_a_seed(data: dict[str, Any]) -> None:
    seeds_dir = find_seeds_dir(REPO_ROOT)
    if seeds_dir is None:
        pytest.skip(
            f"seed documents not found (looked for shared/seeds above {REPO_ROOT}); "
            "cannot prove labels come from the sources in this checkout"
        )
    seeds = load_seed_texts(seeds_dir)
    assert len(seeds) >= 5, f"expected the five seed documents in {seeds_dir}"
    assert labels_missing_from_seeds(data, seeds) == []


def test_label_check_rejects_invented_and_reformatted_labels(tmp_path: Path) -> None:
    """The seed check is exact: a made-up figure or a comma-less variant must be reported."""
    seeds_dir = tmp_path / "shared" / "seeds"
    seeds_dir.mkdir(parents=True)
    (seeds_dir / "000_x.txt").write_text("2024 Median Pay: $42,830/year", encoding="utf-8")
    repo = tmp_path / "wt" / "repo"
    repo.mkdir(parents=True)
    assert find_seeds_dir(repo) == seeds_dir
    seeds = load_seed_texts(seeds_dir)
    sample = {
        "in_scope": [
            {"q": "csr pay", "expect": ["42,830", "MEDIAN PAY"]},
            {"q": "csr pay again", "expect": ["42830"]},
            {"q": "nurse pay", "expect": ["81,220"]},
        ]
    }
    missing = labels_missing_from_seeds(sample, seeds)
    assert [m.split(" ")[0] for m in missing] == ["'42830'", "'81,220'"]


def test_seeds_dir_absent_is_reported_as_none(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    assert find_seeds_dir(repo) is None
