"""Checks on the development question file itself (not on the bot's answers)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

HERE = Path(__file__).resolve().parent
QUESTIONS = HERE / "questions.yaml"
MIN_IN_SCOPE = 250
MIN_DECLINE = 100


def _collapse(text: str) -> str:
    """Lower-case text with every run of whitespace turned into one space."""
    return re.sub(r"\s+", " ", text).strip().lower()


def _find_seeds(start: Path) -> Path | None:
    """The nearest ``shared/seeds`` folder at or above ``start``, or None."""
    for base in (start, *start.parents):
        candidate = base / "shared" / "seeds"
        if candidate.is_dir():
            return candidate
    return None


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    loaded = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict), "questions.yaml must be a mapping"
    return loaded


@pytest.fixture(scope="module")
def seed_texts() -> list[str]:
    seeds = _find_seeds(HERE)
    if seeds is None:
        pytest.skip(f"no shared/seeds folder found at or above {HERE}")
    texts = [_collapse(p.read_text(encoding="utf-8")) for p in sorted(seeds.glob("*.txt"))]
    if not texts:
        pytest.skip(f"no seed .txt files in {seeds}")
    return texts


def test_top_level_keys(data: dict[str, Any]) -> None:
    assert set(data) == {"in_scope", "decline"}


def test_counts(data: dict[str, Any]) -> None:
    assert isinstance(data["in_scope"], list)
    assert isinstance(data["decline"], list)
    assert len(data["in_scope"]) >= MIN_IN_SCOPE
    assert len(data["decline"]) >= MIN_DECLINE


def test_in_scope_shape(data: dict[str, Any]) -> None:
    for item in data["in_scope"]:
        assert isinstance(item, dict), item
        assert set(item) == {"q", "expect"}, item
        assert isinstance(item["q"], str) and item["q"].strip(), item
        expect = item["expect"]
        assert isinstance(expect, list) and expect, item
        for s in expect:
            assert isinstance(s, str) and s.strip(), item


def test_decline_shape(data: dict[str, Any]) -> None:
    for item in data["decline"]:
        assert isinstance(item, dict), item
        assert set(item) == {"q"}, item
        assert isinstance(item["q"], str) and item["q"].strip(), item


def test_no_duplicate_questions(data: dict[str, Any]) -> None:
    seen: dict[str, str] = {}
    dupes: list[str] = []
    for item in [*data["in_scope"], *data["decline"]]:
        key = _collapse(item["q"])
        if key in seen:
            dupes.append(item["q"])
        seen[key] = item["q"]
    assert not dupes, f"duplicate questions: {dupes}"


def test_expect_strings_are_seed_text(data: dict[str, Any], seed_texts: list[str]) -> None:
    missing = [
        (item["q"], s)
        for item in data["in_scope"]
        for s in item["expect"]
        if not any(_collapse(s) in text for text in seed_texts)
    ]
    assert not missing, f"expect strings not found in any seed: {missing}"
