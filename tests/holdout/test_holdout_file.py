"""Shape checks for the blind held-out set, and that every expected string really is seed text.

The set only measures the bot, so these tests check the file itself, never the bot's answers:
a malformed or unverifiable item would silently distort the score it produces.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.paths import SEEDS

HOLDOUT = Path(__file__).resolve().parent / "holdout.yaml"
IN_SCOPE_COUNT = 120
DECLINE_COUNT = 40


def _load() -> dict[str, Any]:
    data = yaml.safe_load(HOLDOUT.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _norm(text: str) -> str:
    """Lower-case and collapse whitespace, so a line break inside a seed phrase still matches."""
    return re.sub(r"\s+", " ", text).casefold()


def _questions() -> list[str]:
    data = _load()
    return [item["q"] for item in data["in_scope"] + data["decline"]]


def test_top_level_keys_are_exactly_in_scope_and_decline() -> None:
    assert set(_load()) == {"in_scope", "decline"}


def test_counts() -> None:
    data = _load()
    assert len(data["in_scope"]) == IN_SCOPE_COUNT
    assert len(data["decline"]) == DECLINE_COUNT


def test_in_scope_items_have_a_question_and_nonempty_expect_strings() -> None:
    for item in _load()["in_scope"]:
        assert set(item) == {"q", "expect"}, item
        assert isinstance(item["q"], str) and item["q"].strip(), item
        expect = item["expect"]
        assert isinstance(expect, list) and expect, item
        assert all(isinstance(e, str) and e.strip() for e in expect), item


def test_decline_items_have_only_a_question() -> None:
    for item in _load()["decline"]:
        assert set(item) == {"q"}, item
        assert isinstance(item["q"], str) and item["q"].strip(), item


def test_no_duplicate_questions_even_ignoring_case_and_spacing() -> None:
    normed = [_norm(q).strip() for q in _questions()]
    dupes = sorted({q for q in normed if normed.count(q) > 1})
    assert not dupes, dupes


def test_no_question_is_both_in_scope_and_decline() -> None:
    data = _load()
    ins = {_norm(i["q"]) for i in data["in_scope"]}
    dec = {_norm(i["q"]) for i in data["decline"]}
    assert not ins & dec


def test_every_expect_string_is_verbatim_seed_text() -> None:
    if SEEDS is None:
        pytest.skip("no shared/seeds folder above this checkout, so seed text cannot be checked")
    seeds = [_norm(p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    assert seeds, f"no seed .txt files in {SEEDS}"
    missing = [
        (item["q"], e)
        for item in _load()["in_scope"]
        for e in item["expect"]
        if not any(_norm(e) in seed for seed in seeds)
    ]
    assert not missing, missing


def test_expect_strings_are_not_just_echoes_of_the_question() -> None:
    """An expect string copied from the question would pass any answer that quotes the user.

    A few are allowed (a term the user asks about by name), but they must stay rare."""
    echoes = [
        item["q"]
        for item in _load()["in_scope"]
        if all(_norm(e) in _norm(item["q"]) for e in item["expect"])
    ]
    assert len(echoes) <= IN_SCOPE_COUNT // 40, echoes
