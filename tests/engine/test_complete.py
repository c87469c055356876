"""Autocomplete sees questions while they are typed: unfinished last words still find entries."""

from __future__ import annotations

import pytest

from bot.engine import Engine


@pytest.mark.parametrize(
    ("typed", "topic"),
    [("csr sal", "salary"), ("how do i get prom", "advancement"), ("entry lev", "salary")],
)
def test_an_unfinished_last_word_still_completes(
    shipped_engine: Engine, typed: str, topic: str
) -> None:
    finished = typed.rsplit(" ", 1)[0]
    choices = shipped_engine.complete(typed)
    assert choices, typed
    assert len(choices) <= 25
    assert all(len(c.question) <= 100 for c in choices)
    top = shipped_engine.kb.entries.get(choices[0].entry_id)
    assert top is not None and top.topic == topic, (typed, choices[0])
    # The finished prefix alone does not already give this: completing the word is what helps.
    assert [c.entry_id for c in choices] != [c.entry_id for c in shipped_engine.complete(finished)]


def test_a_known_or_finished_last_word_is_left_as_typed(shipped_engine: Engine) -> None:
    assert shipped_engine.complete("csr salary ") == shipped_engine.complete("csr salary")
    # Nothing in the knowledge starts with this: no guess is made and nothing raises.
    assert shipped_engine._finish_last_word("csr qzxv") == "csr qzxv"
    assert shipped_engine._finish_last_word("csr sal") == "csr salary"
