"""Buttons built under answers: ids Discord accepts, that parse back to what was answered."""

from __future__ import annotations

import re
from pathlib import Path

import discord
import pytest

from bot.cogs._ask_logic import ASK_TEMPLATE, VOTE_TEMPLATE, parse_ask, parse_vote
from bot.cogs.ask import AskButton, VoteButton, build_reply, build_view
from bot.engine.answer import Answer, Outcome, Suggestion

KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


def custom_ids(view: discord.ui.View | None) -> list[str]:
    assert view is not None
    out = []
    for child in view.children:
        assert isinstance(child, discord.ui.DynamicItem)
        item = child.item
        assert isinstance(item, discord.ui.Button)
        assert item.custom_id is not None and len(item.custom_id) <= 100
        assert item.label is None or len(item.label) <= 80
        out.append(item.custom_id)
    return out


async def test_unsure_answer_offers_top_three_did_you_mean() -> None:
    suggestions = tuple(Suggestion(f"csr-q{i}", "How much " * 20 + str(i)) for i in range(5))
    answer = Answer(Outcome.UNSURE, "Did you mean…", "", suggestions=suggestions)
    ids = custom_ids(build_view(answer))
    assert [parse_ask(i) for i in ids] == ["csr-q0", "csr-q1", "csr-q2"]
    assert all(re.fullmatch(ASK_TEMPLATE, i) for i in ids)


async def test_answer_gets_one_up_and_one_down_vote() -> None:
    answer = Answer(Outcome.ANSWER, "Pay", "…", entry_id="fact.salary.teller.mid")
    ids = custom_ids(build_view(answer))
    assert [parse_vote(i) for i in ids] == [
        ("up", "fact.salary.teller.mid"),
        ("down", "fact.salary.teller.mid"),
    ]
    assert all(re.fullmatch(VOTE_TEMPLATE, i) for i in ids)


async def test_decline_and_idless_answers_have_no_buttons() -> None:
    assert build_view(Answer(Outcome.DECLINE, "No", "")) is None
    assert build_view(Answer(Outcome.ANSWER, "x", "y")) is None


async def test_dynamic_items_rebuild_from_their_custom_id() -> None:
    """After a restart Discord only sends the custom_id back: it must be enough."""
    ask = AskButton("csr-pay-median", "What is the median pay?")
    m = re.fullmatch(ASK_TEMPLATE, ask.custom_id)
    assert m is not None
    assert m["entry_id"] == "csr-pay-median"
    vote = VoteButton("down", "csr-pay-median")
    m = re.fullmatch(VOTE_TEMPLATE, vote.custom_id)
    assert m is not None and (m["vote"], m["entry_id"]) == ("down", "csr-pay-median")
    with pytest.raises(ValueError):
        AskButton("x" * 95)


async def test_every_shipped_entry_renders_with_votes() -> None:
    if not (KNOWLEDGE / "sources.yaml").exists():
        pytest.skip("no shipped knowledge in this checkout")
    from bot.engine import Engine
    from bot.knowledge.loader import load_knowledge

    engine = Engine(load_knowledge(KNOWLEDGE))
    assert engine.kb.entries
    for entry_id in engine.kb.entries:
        answer = engine.answer_entry(entry_id)
        assert answer is not None
        embed, view = build_reply(answer)
        assert len(embed) <= 6000
        assert [parse_vote(i) for i in custom_ids(view)] == [
            ("up", answer.entry_id),
            ("down", answer.entry_id),
        ]
